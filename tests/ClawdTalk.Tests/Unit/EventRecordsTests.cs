using System.Linq;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>
    /// The one event record schema at its one place (`memory.scheduled_events`), read from state files of the older
    /// layouts: scheduled events' records in memory and a poller's at the entry's top level, both written by earlier versions.
    /// </summary>
    public class EventRecordsTests
    {
        static JObject OldEntry() => JObject.Parse(@"{
            ""mission_id"": ""mis_1"", ""run_id"": ""run_1"", ""assistant_id"": ""ast_1"", ""status"": ""active"",
            ""memory"": { ""note"": ""kept"", ""scheduled_events"": [
                { ""event_id"": ""evt_a"", ""assistant_id"": ""ast_1"", ""channel"": ""call"", ""to"": ""+12125550142"", ""run_id"": ""run_1"",
                  ""attempt"": 1, ""status"": ""pending"", ""name"": ""Corner Loaf"" } ] },
            ""scheduled_events"": [
                { ""event_id"": ""evt_a"", ""assistant_id"": ""ast_1"", ""channel"": ""call"", ""to"": ""+12125550142"", ""status"": ""failed"",
                  ""call_status"": ""no-answer"", ""retried_by"": ""evt_c"", ""handled"": true, ""poller_only"": 7 },
                { ""event_id"": ""evt_b"", ""assistant_id"": ""ast_1"", ""channel"": ""sms"", ""to"": ""+12125550143"", ""status"": ""completed"" } ],
            ""retry_policy"": { ""max_attempts"": 3, ""delay_seconds"": 120 }
        }");

        [Fact]
        public void Both_older_layouts_read_as_one_list_without_changing_the_entry()
        {
            var entry = OldEntry();
            var before = entry.ToString();
            var records = EventRecords.Of(entry);
            Assert.Equal(new[] { "evt_a", "evt_b" }, records.Select(r => r.Id));
            var a = records[0];
            Assert.Equal("pending", a.Status);            // memory's field wins
            Assert.Equal("evt_c", a.RetriedBy);           // the poller's fields come along
            Assert.True(a.Handled);
            Assert.Equal("Corner Loaf", (string?)a.Json["name"]);
            Assert.Equal(7, (int)a.Json["poller_only"]!); // keys neither layout knows are kept
            Assert.Equal(before, entry.ToString());        // reading changes nothing
        }

        [Fact]
        public void The_next_write_moves_the_older_layout_into_memory()
        {
            var entry = OldEntry();
            EventRecords.Update(entry, "evt_b", r => r["checked"] = true);
            Assert.Null(entry["scheduled_events"]);
            var list = (JArray)entry["memory"]!["scheduled_events"]!;
            Assert.Equal(new[] { "evt_a", "evt_b" }, list.Select(r => (string?)r["event_id"]));
            Assert.True((bool)list[1]["checked"]!);
            Assert.Equal("kept", (string?)entry["memory"]!["note"]);
            Assert.Equal(3, EventRecords.Policy(entry).MaxAttempts);
            Assert.False(EventRecords.Migrate(entry)); // nothing left to move
        }

        [Theory]
        [InlineData("call", "failed", "no-answer", true)]
        [InlineData("call", "failed", "busy", true)]
        [InlineData("call", "failed", null, true)]       // failed without a call status: it could not be placed
        [InlineData("call", "completed", "no-answer", true)]
        [InlineData("call", "failed", "canceled", false)]
        [InlineData("call", "completed", "completed", false)]
        [InlineData("call", "pending", null, false)]
        [InlineData("sms", "failed", null, false)]
        public void One_retry_rule_for_records_and_service_events(string channel, string status, string? callStatus, bool retryable)
        {
            var json = new JObject { ["event_id"] = "evt_1", ["assistant_id"] = "ast_1", ["channel"] = channel, ["status"] = status, ["call_status"] = callStatus };
            Assert.Equal(retryable, new EventRecord((JObject)json.DeepClone()).IsRetryableFailure);
            Assert.Equal(retryable, ScheduledEvent.FromJson(json, "ast_1").IsRetryable);
        }
    }
}
