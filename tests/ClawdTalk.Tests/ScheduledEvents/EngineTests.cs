using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using Xunit;
using ApiJson = ClawdTalk.Api.Json;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// The scheduled-event engine driven without PowerShell: first sends (FirstSends, what Register-ClawdTalkCall calls) and
    /// the watch with its retries (EventWatch, what Wait-ClawdTalkEvent calls), over the endpoint clients on a real socket to
    /// the sandbox and the real state file, with a sink of this test's own that answers the confirmations and keeps what
    /// is written. The mission is set up through the module; everything after is the engine. What is sent is counted in the
    /// sandbox's request log; what is kept, in the state file.
    /// </summary>
    public sealed class EngineTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public EngineTests(FastScheduledEventSandbox sb) => _sb = sb;

        /// <summary>A caller of the engine: answers ShouldProcess with <see cref="Answer"/>, keeps every stream, runs what the engine posts on its own thread.</summary>
        sealed class Sink : IScheduleSink, IProgressLine
        {
            readonly ConcurrentQueue<Action> _posted = new ConcurrentQueue<Action>();
            readonly int _thread = Environment.CurrentManagedThreadId;
            public readonly List<ScheduledEvent> Written = new List<ScheduledEvent>();
            public readonly List<string> Warnings = new List<string>(), VerboseLines = new List<string>(), Progressed = new List<string>();
            public readonly List<ClawdTalkException> Errors = new List<ClawdTalkException>();
            public readonly List<(string Target, string Action)> Asked = new List<(string, string)>();
            public Func<string, string, bool> Answer = (_, _) => true;
            public bool WhatIf;

            void OnMyThread() => Assert.Equal(_thread, Environment.CurrentManagedThreadId); // the engine writes only through Post from other threads
            public void Verbose(string message) { OnMyThread(); VerboseLines.Add(message); }
            public void Warning(string message) { OnMyThread(); Warnings.Add(message); }
            public void Error(ClawdTalkException error) { OnMyThread(); Errors.Add(error); }
            public void Write(ScheduledEvent ev) { OnMyThread(); Written.Add(ev); }
            public IProgressLine Progress => this;
            public void Update(string status, int percent = -1, int secondsRemaining = -1, bool force = false) { OnMyThread(); Progressed.Add(status); }
            public string Fit(bool withSecondsLeft, params string[] variants) => variants[0];
            public bool Confirm(string target, string action) { OnMyThread(); Asked.Add((target, action)); return Answer(target, action); }
            public bool Recording(string target, string action) => !WhatIf;
            public void Post(Action onCallerThread) => _posted.Enqueue(onCallerThread);

            public T Call<T>(Func<CancellationToken, Task<T>> work)
            {
                var task = Task.Run(() => work(CancellationToken.None));
                while (!task.Wait(20)) Drain();
                Drain();
                return task.GetAwaiter().GetResult();
            }

            public void Drain() { while (_posted.TryDequeue(out var a)) a(); }
            public void LogVerbose(string message) => Post(() => Verbose(message));
        }

        (ScheduledEventsApi events, MissionsApi missions) Clients(Sink sink)
        {
            var client = new ApiClient(new ClawdTalkConnection(new Uri(_sb.ApiBase + "/"), _sb.Key, "test"));
            return (new ScheduledEventsApi(client, sink.LogVerbose), new MissionsApi(client, sink.LogVerbose));
        }

        FirstSends Sends(Sink sink, ScheduleOptions options)
        {
            var (events, missions) = Clients(sink);
            return new FirstSends(options, () => events, () => missions, MissionStateStore.Default, sink, CancellationToken.None);
        }

        static void Schedule(FirstSends engine, Sink sink, MissionState m, params object[] to)
        {
            engine.Process("slug:" + m.Slug, () => new MissionTarget { Slug = m.Slug, MissionId = m.MissionId!, RunId = m.RunId! }, to);
            engine.Finish();
            sink.Drain();
            engine.Summarize();
        }

        int Schedules(long mark, MissionState m) => ScheduledEventSandbox.CreatedSchedules(_sb.Log(mark), m.AssistantId).Count;

        [Fact]
        public void First_sends_ask_per_target_send_each_once_in_input_order_record_and_log_them_and_a_rerun_sends_nothing()
        {
            MissionState m;
            using (var ps = _sb.Session()) m = _sb.Mission(ps, "Engine sends", "calls");
            var sink = new Sink();
            var mark = _sb.Mark();
            Schedule(Sends(sink, new ScheduleOptions { Channel = ScheduledEventChannel.Call, CommandName = "test" }), sink, m,
                "+1 303 555 7701", "+1 303 555 7702", "+1 (303) 555-7701");

            Assert.Empty(sink.Errors);
            Assert.Equal(new[] { "+13035557701", "+13035557702" }, sink.Written.Select(e => e.To));
            Assert.All(sink.Written, e => Assert.Equal((m.Slug, m.RunId, 1, "calls"), (e.Slug, e.RunId, e.Attempt, e.StepId)));
            // asked once per target (the duplicate is skipped before it is asked), billable, before anything was sent
            Assert.Equal(2, sink.Asked.Count);
            Assert.All(sink.Asked, a => Assert.Contains("(billable)", a.Action));
            Assert.Contains(sink.Warnings, w => w.Contains("came twice in the input"));
            Assert.Equal(2, Schedules(mark, m));
            var records = ScheduledEventSandbox.Records(m.Slug);
            Assert.Equal(sink.Written.Select(e => e.EventId).OrderBy(x => x), records.Select(r => ApiJson.Str(r, "event_id")!).OrderBy(x => x));
            Assert.All(records, r => Assert.True((bool?)r["logged"] == true, r.ToString()));
            Assert.Null(StateFile.Entry(m.Slug)["pending"]?["reservations"]); // every reservation ended with its record

            // a second caller with the same targets: nothing is sent or asked, the events already there are passed on
            var again = new Sink { Answer = (t, _) => throw new InvalidOperationException($"{t} was asked again") };
            var mark2 = _sb.Mark();
            Schedule(Sends(again, new ScheduleOptions { Channel = ScheduledEventChannel.Call, CommandName = "test" }), again, m, "+1 303 555 7701", "+1 303 555 7702");
            Assert.Empty(again.Errors);
            Assert.Equal(0, Schedules(mark2, m));
            Assert.Empty(again.Asked);
            Assert.Equal(sink.Written.Select(e => e.EventId), again.Written.Select(e => e.EventId));
            Assert.Contains(again.Warnings, w => w.Contains("2 target(s) already had a call"));
        }

        [Fact]
        public void Under_WhatIf_first_sends_describe_each_target_once_and_send_and_record_nothing()
        {
            MissionState m;
            using (var ps = _sb.Session()) m = _sb.Mission(ps, "Engine whatif", "calls");
            var sink = new Sink { Answer = (_, _) => false, WhatIf = true };
            var mark = _sb.Mark();
            Schedule(Sends(sink, new ScheduleOptions { Channel = ScheduledEventChannel.Call, WhatIf = true, CommandName = "test" }), sink, m,
                "+1 303 555 7711", "+1 303 555 7712", "+1 303 555 7711");
            Assert.Equal(new[] { "+13035557711", "+13035557712" }, sink.Asked.Select(a => a.Target));
            Assert.Empty(sink.Written);
            Assert.Empty(sink.Errors);
            Assert.Equal(0, Schedules(mark, m));
            Assert.Empty(ScheduledEventSandbox.Records(m.Slug));
        }

        [Fact]
        public void Bad_options_are_refused_before_anything_is_sent()
        {
            var sink = new Sink();
            var (events, missions) = Clients(sink);
            var mark = _sb.Mark();
            var ex = Assert.Throws<ClawdTalkException>(() => new FirstSends(new ScheduleOptions { Channel = ScheduledEventChannel.Call, Standalone = true, AssistantId = "a" },
                () => events, () => missions, MissionStateStore.Default, sink, CancellationToken.None));
            Assert.Equal("MissionRequired", ex.ErrorId);
            ex = Assert.Throws<ClawdTalkException>(() => new FirstSends(new ScheduleOptions { Channel = ScheduledEventChannel.Call, Weekday = new[] { DayOfWeek.Monday } },
                () => events, () => missions, MissionStateStore.Default, sink, CancellationToken.None));
            Assert.Equal("WeekdayWithoutTimeWindow", ex.ErrorId);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void The_watch_writes_each_event_as_it_ends_retries_the_unanswered_once_asked_and_records_every_attempt()
        {
            MissionState m;
            using (var ps = _sb.Session()) m = _sb.Mission(ps, "Engine watch", "calls");
            var sends = new Sink();
            // +1 720 555 0001 never answers on the sandbox; the other does
            Schedule(Sends(sends, new ScheduleOptions { Channel = ScheduledEventChannel.Call, CommandName = "test" }), sends, m, "+1 720 555 0001", "+1 720 555 7801");
            Assert.Equal(2, sends.Written.Count);

            var sink = new Sink();
            var (events, missions) = Clients(sink);
            var watch = new EventWatch(new WatchOptions { RetryPolicy = RetryPolicy.AutomatedSystem, MaxAttempts = 2, PollInterval = TimeSpan.FromSeconds(0.02), Timeout = TimeSpan.FromSeconds(120) },
                () => events, () => missions, MissionStateStore.Default, sink);
            foreach (var ev in sends.Written) watch.Track(ev, Array.Empty<string?>());
            Assert.Equal("Waiting for 2 calls", watch.Activity());
            var mark = _sb.Mark();
            watch.Watch();
            sink.Drain();
            watch.Summarize();

            Assert.Empty(sink.Errors);
            Assert.Equal(2, sink.Written.Count);
            var reached = Assert.Single(sink.Written, e => e.To == "+17205557801");
            Assert.Equal(OutcomeGroup.Reached, reached.OutcomeGroup);
            var retried = Assert.Single(sink.Written, e => e.To == "+17205550001");
            Assert.Equal((2, OutcomeGroup.NotReached), (retried.Attempt, retried.OutcomeGroup));
            // one retry, asked before it was sent (billable), sent once
            var asked = Assert.Single(sink.Asked);
            Assert.Contains("Schedule retry 1", asked.Action);
            Assert.Contains("(billable)", asked.Action);
            Assert.Equal(1, Schedules(mark, m));
            // both attempts recorded, the first pointing at its retry, every outcome logged once
            var records = ScheduledEventSandbox.Records(m.Slug);
            Assert.Equal(3, records.Count);
            var first = Assert.Single(records, r => ApiJson.Str(r, "retried_by") != null);
            Assert.Equal(retried.EventId, ApiJson.Str(first, "retried_by"));
            Assert.Equal(ApiJson.Str(first, "event_id"), retried.RetryOf);
            Assert.All(records.Where(r => ApiJson.Str(r, "retried_by") == null), r => Assert.True((bool?)r["outcome_logged"] == true, r.ToString()));
            Assert.NotEmpty(sink.Progressed);
            Assert.Contains(sink.VerboseLines, v => v.StartsWith("Waited ", StringComparison.Ordinal));
        }
    }
}
