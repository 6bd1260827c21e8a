using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;
using ApiJson = ClawdTalk.Api.Json;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// The one retry path (ScheduledEvents/RetryScheduler) driven without PowerShell: the endpoint clients over a real
    /// socket to the sandbox, the real state file. The mission is set up through the module; everything after is the engine.
    /// What is sent is counted in the sandbox's request log; what is kept, in the state file and the run's timeline.
    /// </summary>
    public sealed class RetrySchedulerTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public RetrySchedulerTests(FastScheduledEventSandbox sb) => _sb = sb;

        sealed class Said : IScheduleReport
        {
            public readonly ConcurrentQueue<string> Lines = new ConcurrentQueue<string>();
            public void Verbose(string message) => Lines.Enqueue("verbose: " + message);
            public void Warning(string message) => Lines.Enqueue("warning: " + message);
        }

        /// <summary>One process's engine: its own clients, store object and ledger (the file is shared, as between processes).</summary>
        RetryScheduler Engine(Said said)
        {
            var client = new ApiClient(new ClawdTalkConnection(new Uri(_sb.ApiBase + "/"), _sb.Key, "test"));
            var store = MissionStateStore.Default;
            return new RetryScheduler(new ScheduledEventsApi(client, said.Verbose), new MissionsApi(client, said.Verbose), store, new EventLedger(store), said);
        }

        /// <summary>A mission whose first call (an hour ahead) is recorded in its entry, and the request for its retry.</summary>
        (MissionState m, RetryRequest q) FirstAttempt(string to)
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Engine retry", "calls");
            var first = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, to, m.MissionId!, m.RunId!, "calls", TimeSpan.FromHours(1));
            var ended = new ScheduledEvent
            {
                EventId = first, AssistantId = m.AssistantId!, Channel = ScheduledEventChannel.Call, To = to, From = m.AgentPhone,
                Slug = m.Slug, MissionId = m.MissionId, RunId = m.RunId, StepId = "calls", Attempt = 1,
                Status = ScheduledEventStatus.Failed, CallStatus = "no-answer", ScheduledAt = _sb.Server.Now,
            };
            MissionStateStore.Default.UpdateExisting(m.Slug, e => EventRecords.Upsert(e, EventLedger.RecordOf(ended)));
            var q = new RetryRequest
            {
                Ended = ended, Slug = m.Slug, At = _sb.Server.Now.AddHours(2), Attempt = 2, Known = new[] { first }, Target = to,
                RunEvent = (next, at) => new JObject { ["type"] = "custom", ["summary"] = $"retry of {to} at {ApiText.Iso(at)}", ["payload"] = new JObject { ["scheduled_event_id"] = next.EventId } },
            };
            return (m, q);
        }

        int Schedules(long mark, MissionState m) => ScheduledEventSandbox.CreatedSchedules(_sb.Log(mark), m.AssistantId).Count;

        static JObject Entry(MissionState m) => MissionStateStore.Default.Require(m.Slug);

        void AssertRecorded(MissionState m, RetryRequest q, string retryId)
        {
            var records = EventRecords.Read(Entry(m));
            var old = Assert.Single(records, r => ApiJson.Str(r, "event_id") == q.Ended.EventId);
            Assert.Equal(retryId, ApiJson.Str(old, "retried_by"));
            Assert.Equal("no-answer", ApiJson.Str(old, "call_status"));
            var next = Assert.Single(records, r => ApiJson.Str(r, "event_id") == retryId);
            Assert.Equal((2, q.Ended.EventId, "calls"), (ApiJson.Int(next, "attempt"), ApiJson.Str(next, "retry_of"), ApiJson.Str(next, "step_id")));
            Assert.Null(Entry(m)["pending"]?["reservations"]); // the reservation ended with the record
        }

        [Fact]
        public async Task Two_retriers_of_one_attempt_send_it_once_record_both_attempts_and_log_it_once()
        {
            var (m, q) = FirstAttempt("+12125550001");
            var mark = _sb.Mark();
            var said = new Said();
            var results = await Task.WhenAll(Engine(said).RetryAsync(q, CancellationToken.None), Engine(said).RetryAsync(q, CancellationToken.None));

            var sent = Assert.Single(results, r => r.State == RetryState.Scheduled);
            var other = Assert.Single(results, r => r != sent);
            Assert.Contains(other.State, new[] { RetryState.Held, RetryState.RetriedElsewhere });
            Assert.Equal(1, Schedules(mark, m));
            var next = sent.Next!;
            Assert.Equal((2, q.Ended.EventId, m.RunId), (next.Attempt, next.RetryOf, next.RunId));
            Assert.Equal(q.Ended.EventId, System.Management.Automation.PSObject.AsPSObject(next.PreviousAttempts.Single()!).Properties["event_id"].Value);
            AssertRecorded(m, q, next.EventId);
            Assert.True(ApiJson.Bool(EventRecords.Read(Entry(m)).Single(r => ApiJson.Str(r, "event_id") == next.EventId), "logged"));
            var logged = _sb.Events(m).Where(e => ApiJson.Str(e["payload"] as JObject, "client_key") == "retry:" + q.Ended.EventId).ToList();
            Assert.Equal(next.EventId, ApiJson.Str(Assert.Single(logged)["payload"] as JObject, "scheduled_event_id"));

            // a third retrier, later: it finds the recorded retry, sends nothing
            var again = await Engine(said).RetryAsync(q, CancellationToken.None);
            Assert.Equal((RetryState.RetriedElsewhere, next.EventId), (again.State, again.EventId));
            Assert.Equal(1, Schedules(mark, m));
        }

        static JObject DeadOwner(string token) => new JObject
        {
            // a process of this machine that is gone (no such pid), an hour ago
            ["token"] = token, ["pid"] = int.MaxValue - 7, ["process_started"] = "2020-01-01T00:00:00", ["host"] = Environment.MachineName,
            ["at"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'"),
        };

        [Fact]
        public async Task A_dead_owners_retry_that_landed_is_adopted_and_never_sent_again()
        {
            var (m, q) = FirstAttempt("+12125550002");
            // the owner sent its request, then died before recording it
            var landed = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, q.Ended.To!, m.MissionId!, m.RunId!, "calls", TimeSpan.FromHours(2));
            MissionStateStore.Default.UpdateExisting(m.Slug, e => e["pending"] = new JObject { ["reservations"] = new JObject { ["retry:" + q.Ended.EventId] = DeadOwner("dead1") } });
            var mark = _sb.Mark();
            var said = new Said();

            var r = await Engine(said).RetryAsync(q, CancellationToken.None);

            Assert.Equal((RetryState.Adopted, landed), (r.State, r.Next!.EventId));
            Assert.Equal(0, Schedules(mark, m));
            AssertRecorded(m, q, landed);
            Assert.Contains(said.Lines, l => l.Contains("process that is gone", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_dead_owners_retry_that_did_not_land_is_sent_once_by_the_next_retrier()
        {
            var (m, q) = FirstAttempt("+12125550003");
            MissionStateStore.Default.UpdateExisting(m.Slug, e => e["pending"] = new JObject { ["reservations"] = new JObject { ["retry:" + q.Ended.EventId] = DeadOwner("dead2") } });
            var mark = _sb.Mark();

            var r = await Engine(new Said()).RetryAsync(q, CancellationToken.None);

            Assert.Equal(RetryState.Scheduled, r.State);
            Assert.Equal(1, Schedules(mark, m));
            AssertRecorded(m, q, r.Next!.EventId);
        }
    }
}
