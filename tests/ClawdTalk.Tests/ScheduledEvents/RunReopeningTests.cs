using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// Reports that stay true. The service ends a run as succeeded once every scheduled event of it is terminal; when the
    /// first wave of calls ends before their retries are scheduled, the module sets the run running again first (logged
    /// on the timeline), so the run is never ended while a call of it is still to come, and the mission ends once, after
    /// its last call. A call's step is known from where it was placed, and a run ended while events are pending is found.
    /// Against the sandbox at 60x (a minute in a second), watched through its dashboard state (one consistent snapshot).
    /// </summary>
    public sealed class RunReopeningTests : IClassFixture<MinuteScheduledEventSandbox>
    {
        readonly MinuteScheduledEventSandbox _sb;

        public RunReopeningTests(MinuteScheduledEventSandbox sb)
        {
            _sb = sb;
            _sb.Reset(); // the 0005 numbers answer from their second attempt since the last reset
        }

        sealed record Snapshot(string RunStatus, List<(string Id, string To, string Status)> Events);

        /// <summary>Samples the run and its scheduled events (one dashboard read each: under the sandbox's lock, so consistent) until stopped.</summary>
        sealed class Watcher : IDisposable
        {
            readonly CancellationTokenSource _stop = new();
            readonly Task _task;
            public readonly List<Snapshot> Seen = new();

            public Watcher(SandboxHarness sb, string runId)
            {
                _task = Task.Run(() =>
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        var run = sb.ControlGet("dashboard.json")["missions"]!.SelectMany(m => m["runs"]!).OfType<JObject>().FirstOrDefault(r => (string?)r["run_id"] == runId);
                        if (run != null)
                        {
                            var events = run["scheduled"]!.OfType<JObject>().Select(e => ((string)e["id"]!, (string)e["to"]!, (string)e["status"]!)).ToList();
                            lock (Seen) Seen.Add(new Snapshot((string)run["status"]!, events));
                        }
                        Thread.Sleep(5);
                    }
                });
            }

            public List<Snapshot> Stop()
            {
                _stop.Cancel();
                _task.Wait();
                lock (Seen) return Seen.ToList();
            }

            public void Dispose() { if (!_task.IsCompleted) Stop(); }
        }

        static bool Open(string status) => status == "pending" || status == "in_progress";

        public static IEnumerable<object[]> RetryPaths() => new[] { new object[] { "Wait-ClawdTalkEvent" }, new object[] { "Invoke-ClawdTalkPoll" } };

        [Theory]
        [MemberData(nameof(RetryPaths))]
        public void When_the_first_wave_ends_before_its_retries_the_run_is_running_until_its_last_call_and_succeeds_once(string path)
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Retries after the wave", "calls");
            var vars = _sb.Vars(("slug", m.Slug));
            // both first attempts end no-answer at the same moment: the service ends the run before any retry exists
            const string wave = "'+1 212 555 0005', '+1 303 555 0005' | Register-ClawdTalkCall -Slug $slug -Force";
            var mark = _sb.Mark();
            using var watch = new Watcher(_sb, m.RunId!);
            if (path == "Wait-ClawdTalkEvent")
            {
                var done = ps.Run(wave + " | Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay 60 -Force", vars).Ok().Objects<ScheduledEvent>();
                Assert.Equal(new[] { 2, 2 }, done.Select(e => e.Attempt));
                Assert.All(done, e => Assert.Equal("answered", e.Outcome));
                ps.Run("Complete-ClawdTalkMission -Slug $slug -Summary 'Both reached on the second try.'", vars).Ok();
            }
            else
            {
                ClawdTalk.State.MissionStateStore.Default.UpdateExisting(m.Slug, e => e["retry_policy"] = new JObject { ["max_attempts"] = 2, ["delay_seconds"] = 60 });
                ps.Run(wave, vars).Ok();
                // the poller's ticks, by hand: until the tick that ends the mission
                var ended = ps.Run("foreach ($i in 1..300) { $t = Invoke-ClawdTalkPoll -Slug $slug; if ($t.Status -eq 'Ended') { $t; break }; [Threading.Thread]::Sleep(100) }", vars)
                    .Ok().Single<PollResult>();
                Assert.Equal("Succeeded", ended.MissionStatus);
            }
            var seen = watch.Stop();

            // 1. at no moment was the run ended while a call of it was still to come
            var wrong = seen.Where(s => s.Events.Any(e => Open(e.Status)) && s.RunStatus != "running").ToList();
            Assert.True(wrong.Count == 0, "the run was " + wrong.FirstOrDefault()?.RunStatus + " while calls were pending: "
                + string.Join("; ", wrong.Take(3).Select(s => string.Join(", ", s.Events.Select(e => e.Id + "=" + e.Status)))));
            // the watch saw the retries under way (so the check above looked at them), and the end after the last call
            Assert.Contains(seen, s => s.Events.Count == 4 && s.Events.Skip(2).Any(e => Open(e.Status)) && s.RunStatus == "running");
            Assert.Equal("succeeded", seen.Last().RunStatus);
            Assert.All(seen.Last().Events, e => Assert.False(Open(e.Status)));

            // 2. the request log: the run set running again once, before the first retry was scheduled
            var log = _sb.Log(mark);
            var reopen = log.Where(e => (string?)e["method"] == "PATCH" && (string?)e["path"] == $"/v1/missions/{m.MissionId}/runs/{m.RunId}"
                                        && (string?)JObject.Parse((string?)e["body"] ?? "{}")["status"] == "running").ToList();
            var schedules = ScheduledEventSandbox.CreatedSchedules(log);
            Assert.Equal(4, schedules.Count); // two first attempts, two retries
            var once = Assert.Single(reopen);
            Assert.True((long)once["seq"]! > (long)schedules[1]["seq"]! && (long)once["seq"]! < (long)schedules[2]["seq"]!,
                "the run was set running again between the first wave and the retries");
            Assert.All(schedules, s => Assert.Equal("calls", (string?)JObject.Parse((string)s["body"]!)["step_id"])); // the plan's only step, placed with each call

            // 3. the timeline: the reopening said why, before the retries; the mission succeeded once, after the last call
            var timeline = _sb.Events(m);
            var reopened = timeline.FindIndex(e => ((string?)e["summary"] ?? "").StartsWith("Run set running again:", StringComparison.Ordinal));
            Assert.True(reopened >= 0, "the reopening is not on the timeline");
            Assert.Single(timeline, e => ((string?)e["summary"] ?? "").StartsWith("Run set running again:", StringComparison.Ordinal));
            Assert.Equal(true, (bool?)timeline[reopened]["payload"]?["reopened"]);
            var succeeded = timeline.Where(e => ((string?)e["summary"] ?? "").StartsWith("Mission succeeded", StringComparison.Ordinal)).ToList();
            Assert.Single(succeeded);
            Assert.Equal(timeline.Count - 1, timeline.IndexOf(succeeded[0])); // the last word, after every call's outcome
            var state = ps.Run("Get-ClawdTalkMissionState -Slug $slug", vars).Ok().Single<MissionState>();
            Assert.Equal(MissionStateStatus.Succeeded, state.Status);
            Assert.Empty(ps.Run("Test-ClawdTalkMission -Slug $slug", vars).Ok().Output);
        }

        [Fact]
        public void A_call_placed_without_StepId_carries_the_plan_s_step_so_Complete_guesses_nothing()
        {
            using var ps = _sb.Session();
            _sb.AddNumbers(1);
            var vars = _sb.Vars(("name", SandboxHarness.Unique("Research then calls")));
            var m = ps.Run("Initialize-ClawdTalkMission -Name $name -Instructions 'Call.' -Request 'Ask.' -Step research, calls | Add-ClawdTalkAgent -Instructions 'Be brief.'", vars).Ok().Single<MissionState>();
            vars["slug"] = m.Slug;
            var mark = _sb.Mark();
            var r = ps.Run("'+1 303 555 0142' | Register-ClawdTalkCall -Slug $slug -Force -Verbose | Wait-ClawdTalkEvent", vars).Ok();
            Assert.Contains(r.Verbose, v => v.Contains("belong to step 'calls' (the last open step)", StringComparison.Ordinal));
            var body = JObject.Parse((string)ScheduledEventSandbox.CreatedSchedules(_sb.Log(mark)).Single()["body"]!);
            Assert.Equal("calls", (string?)body["step_id"]);
            Assert.Equal("calls", r.Objects<ScheduledEvent>().Single().StepId);

            // the service completed the step the call was placed for; Complete skips the other one, nothing guessed
            ps.Run("Complete-ClawdTalkMission -Slug $slug -Summary 'Called.'", vars).Ok();
            var steps = _sb.Steps(m.MissionId!, m.RunId!).ToDictionary(s => (string)s["step_id"]!, s => (string)s["status"]!);
            Assert.Equal("completed", steps["calls"]);
            Assert.Equal("skipped", steps["research"]);
        }

        [Fact]
        public void A_rerun_without_StepId_after_the_step_ended_does_not_call_again()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Rerun after the step", "research", "calls");
            var vars = _sb.Vars(("slug", m.Slug));
            var mark = _sb.Mark();
            ps.Run("'+1 303 555 0143' | Register-ClawdTalkCall -Slug $slug -Force | Wait-ClawdTalkEvent", vars).Ok();
            // 'calls' is completed now: the placement would pick 'research', but the number already has its call in the run
            var rerun = ps.Run("'+1 303 555 0143' | Register-ClawdTalkCall -Slug $slug -Force", vars).Ok();
            Assert.Contains(rerun.Warnings, w => w.Contains("already had a call", StringComparison.Ordinal));
            Assert.Single(ScheduledEventSandbox.CreatedSchedules(_sb.Log(mark)));
        }

        [Fact]
        public void A_run_ended_while_a_call_of_it_is_pending_is_found_and_Fix_sets_it_running_again()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Ended too early", "calls");
            var vars = _sb.Vars(("slug", m.Slug));
            ps.Run("'+1 303 555 0144' | Register-ClawdTalkCall -Slug $slug -Force | Wait-ClawdTalkEvent", vars).Ok();
            Assert.Equal("succeeded", (string?)_sb.Run(m.MissionId!, m.RunId!)["status"]); // the service ended it with its last event
            // another client schedules on the ended run without setting it running again
            var eid = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, "+13035550145", m.MissionId!, m.RunId!, "calls", TimeSpan.FromHours(1));

            var found = ps.Run("Test-ClawdTalkMission -Slug $slug", vars).Ok().Objects<MissionFinding>();
            var f = Assert.Single(found, x => x.FindingId == "RunEndedWithEventsPending");
            Assert.Equal(FindingSeverity.Error, f.Severity);
            Assert.True(f.CanFix);
            Assert.Contains(eid, f.Evidence);
            Assert.DoesNotContain(found, x => x.FindingId == "PollerLeftBehind");
            // the sandbox's dashboard sees it too (its own code, the same rule)
            var run = _sb.ControlGet("dashboard.json")["missions"]!.SelectMany(x => x["runs"]!).OfType<JObject>().Single(r => (string?)r["run_id"] == m.RunId);
            Assert.Contains(run["findings"]!.OfType<JObject>(), x => (string?)x["id"] == "RunEndedWithEventsPending");

            var mark = _sb.Mark();
            Assert.All(ps.Run("Test-ClawdTalkMission -Slug $slug -Fix -WhatIf", vars).Ok().Objects<MissionFinding>(), x => Assert.False(x.Fixed));
            Assert.Empty(SandboxHarness.Writes(_sb.Log(mark)));
            var fixedOne = ps.Run("Test-ClawdTalkMission -Slug $slug -Fix", vars).Ok().Objects<MissionFinding>().Single(x => x.FindingId == "RunEndedWithEventsPending");
            Assert.True(fixedOne.Fixed, fixedOne.FixNote);
            Assert.Equal("running", (string?)_sb.Run(m.MissionId!, m.RunId!)["status"]);
            Assert.Contains(_sb.Events(m), e => ((string?)e["summary"] ?? "").StartsWith("Run set running again:", StringComparison.Ordinal));
            Assert.DoesNotContain(ps.Run("Test-ClawdTalkMission -Slug $slug", vars).Ok().Objects<MissionFinding>(), x => x.FindingId == "RunEndedWithEventsPending");
        }

        [Fact]
        public void A_run_ended_as_cancelled_is_not_reopened_and_takes_no_call()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Cancelled", "calls");
            _sb.Send(System.Net.Http.HttpMethod.Patch, $"missions/{m.MissionId}/runs/{m.RunId}", new { status = "cancelled" });
            var mark = _sb.Mark();
            var r = ps.Run("'+1 303 555 0146' | Register-ClawdTalkCall -Slug $slug -Force", _sb.Vars(("slug", m.Slug)));
            Assert.Equal(ErrorCategory.InvalidOperation, r.Error("RunEnded").CategoryInfo.Category);
            Assert.Empty(SandboxHarness.Writes(_sb.Log(mark)));
            Assert.Equal("cancelled", (string?)_sb.Run(m.MissionId!, m.RunId!)["status"]);
        }
    }
}
