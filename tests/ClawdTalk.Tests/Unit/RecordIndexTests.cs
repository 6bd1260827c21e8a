using J = ClawdTalk.Api.Json;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>
    /// The index a campaign's locked writes look targets up in (Register-ClawdTalkCall reserves each target against it): it
    /// must answer exactly what a scan of the records would, as the records change within a write and between writes.
    /// </summary>
    public class RecordIndexTests
    {
        static string? KeyOf(JObject r) => J.Str(r, "to") is string to ? (J.Str(r, "run_id") ?? "-") + "|" + to : null;

        static JObject Entry(params JObject[] records) => new JObject { ["memory"] = new JObject { ["scheduled_events"] = new JArray(records) } };

        static JObject Rec(string id, string to, string? status = null) =>
            new JObject { ["event_id"] = id, ["to"] = to, ["run_id"] = "run_1", ["status"] = status ?? "pending" };

        static JObject? Find(RecordIndex index, JObject entry, int generation, string key) =>
            index.Find(entry, generation, key, null, r => J.Str(r, "status") != "canceled", (r, k) => k == key);

        [Fact]
        public void A_lookup_sees_records_appended_merged_and_cancelled_in_the_same_write_and_after()
        {
            var entry = Entry(Rec("evt_a", "+1"), Rec("evt_b", "+2", "canceled"));
            var index = new RecordIndex(KeyOf);
            Assert.Equal("evt_a", J.Str(Find(index, entry, 1, "run_1|+1"), "event_id"));
            Assert.Null(Find(index, entry, 1, "run_1|+2"));                          // cancelled: free again
            index.Upsert(entry, 1, Rec("evt_c", "+2"));                              // appended through the index
            Assert.Equal("evt_c", J.Str(Find(index, entry, 1, "run_1|+2"), "event_id"));
            ((JArray)entry["memory"]!["scheduled_events"]!).Add(Rec("evt_d", "+3")); // appended by another change of the write
            Assert.Equal("evt_d", J.Str(Find(index, entry, 1, "run_1|+3"), "event_id"));
            index.Upsert(entry, 1, new JObject { ["event_id"] = "evt_a", ["to"] = "+4" }); // merged: now another target
            Assert.Null(Find(index, entry, 1, "run_1|+1"));
            Assert.Equal("evt_a", J.Str(Find(index, entry, 1, "run_1|+4"), "event_id"));
            index.Update(entry, 1, "evt_c", r => r["logged"] = true);
            Assert.True((bool)entry["memory"]!["scheduled_events"]![2]!["logged"]!);

            // the next write reads the file again: another process may have rewritten any record
            var reread = Entry(Rec("evt_a", "+1", "canceled"), Rec("evt_x", "+5"));
            Assert.Null(Find(index, reread, 2, "run_1|+1"));
            Assert.Equal("evt_x", J.Str(Find(index, reread, 2, "run_1|+5"), "event_id"));
            Assert.Null(Find(index, reread, 2, "run_1|+3"));
        }

        [Fact]
        public void An_entry_of_the_older_layout_is_scanned_as_EventRecords_reads_it()
        {
            var entry = Entry(Rec("evt_a", "+1"));
            entry["scheduled_events"] = new JArray(Rec("evt_b", "+2"));
            var index = new RecordIndex(KeyOf);
            Assert.Equal("evt_b", J.Str(Find(index, entry, 1, "run_1|+2"), "event_id"));
            index.Upsert(entry, 1, Rec("evt_c", "+3")); // migrates, as EventRecords.Upsert does
            Assert.Null(entry["scheduled_events"]);
            Assert.Equal(3, ((JArray)entry["memory"]!["scheduled_events"]!).Count);
        }
    }
}
