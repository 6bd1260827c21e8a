using System;
using System.Linq;
using System.Net.Http;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// A 100-target sweep through the sandbox's faults (20% of requests: 429 with Retry-After, 503, connections dropped
    /// before or after the server acted, stalls longer than the client's per-attempt timeout): every target is called
    /// exactly once, as the sandbox's own log proves, and every scheduled call and outcome is in memory and on the run
    /// exactly once.
    /// </summary>
    public sealed class FaultTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public FaultTests(FastScheduledEventSandbox sb) => _sb = sb;

        [Fact]
        public void A_hundred_target_sweep_under_faults_schedules_each_call_once_and_keeps_all_bookkeeping()
        {
            // the mission is set up with the ordinary timeout (a loaded machine can take over a second for a first
            // POST); only the sweep runs with the tight per-attempt timeout the stalls are meant to exceed
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Faults", "sweep");
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url -TimeoutSec 1 -MaxRetryCount 6", _sb.Vars()).Ok();
            var targets = Enumerable.Range(0, 100).Select(i => $"+1 303 555 {6000 + i:0000}").ToArray();
            var mark = _sb.Mark();
            // resets weigh double in the draw, so both kinds (answer lost / never landed) reliably hit schedule requests
            _sb.Faults(0.2, 3, "429", "503", "reset", "reset", "stall");
            PsResult sched, waited;
            try
            {
                sched = ps.Run("$targets | Register-ClawdTalkCall -Slug $slug -StepId sweep -ThrottleLimit 8 -Force -Verbose", _sb.Vars(("targets", targets), ("slug", m.Slug)));
                waited = ps.Run("$events | Wait-ClawdTalkEvent -Verbose", _sb.Vars(("events", sched.Output.Select(o => o.BaseObject).ToArray())));
            }
            finally { _sb.Faults(0); }
            sched.Ok();
            waited.Ok();

            var log = _sb.Log(mark);
            // the faults happened, on schedule requests too
            var posts = log.Where(e => (string?)e["method"] == "POST" && ((string?)e["path"] ?? "").EndsWith("/events", StringComparison.Ordinal) && ((string)e["path"]!).StartsWith("/v1/assistants/", StringComparison.Ordinal)).ToList();
            Assert.Contains(posts, e => (string?)e["fault"] == "reset" && (bool?)e["applied"] == true);   // landed, answer lost
            Assert.Contains(posts, e => (string?)e["fault"] == "reset" && (bool?)e["applied"] != true);   // never landed
            Assert.Contains(log, e => (string?)e["fault"] == "stall");
            Assert.Contains(log, e => (string?)e["fault"] == "429");
            Assert.Contains(log, e => (string?)e["fault"] == "503");

            // zero duplicates: the sandbox applied exactly one schedule request per callee
            var applied = ScheduledEventSandbox.AppliedSchedules(log);
            Assert.Equal(100, applied.Count);
            Assert.All(applied, kv => Assert.True(kv.Value == 1, $"{kv.Key} was scheduled {kv.Value} times"));
            Assert.Equal(100, _sb.ScheduledEvents(m.AssistantId!).Count);

            // every call came out once, and every one finished
            var events = sched.Objects<ScheduledEvent>();
            Assert.Equal(100, events.Select(e => e.EventId).Distinct().Count());
            var done = waited.Objects<ScheduledEvent>();
            Assert.Equal(events.Select(e => e.EventId).OrderBy(x => x), done.Select(e => e.EventId).OrderBy(x => x));
            Assert.All(done, e => Assert.Equal("answered", e.Outcome));

            // no lost bookkeeping: one memory record per call, logged and finished; one run event per schedule and per outcome
            var records = ScheduledEventSandbox.Records(m.Slug);
            Assert.Equal(events.Select(e => e.EventId).OrderBy(x => x), records.Select(r => (string)r["event_id"]!).OrderBy(x => x));
            Assert.All(records, r => Assert.True((bool?)r["logged"] == true && (bool?)r["outcome_logged"] == true && (string?)r["outcome"] == "answered",
                r.ToString(Newtonsoft.Json.Formatting.None) + "\n" + string.Join("\n", sched.Warnings.Concat(waited.Warnings))));
            var runEvents = _sb.Events(m);
            var keys = runEvents.Select(e => (string?)e["payload"]?["client_key"]).Where(k => k != null).ToList();
            Assert.Equal(100, keys.Count(k => k!.StartsWith("scheduled:", StringComparison.Ordinal)));
            Assert.Equal(100, keys.Count(k => k!.StartsWith("outcome:", StringComparison.Ordinal)));
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
    }
}
