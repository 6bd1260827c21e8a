using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using ClawdTalk.IO;
using ClawdTalk.Pollers;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Missions;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Polling
{
    /// <summary>The poller tests' sandbox: the harness with its defaults (time 600 times faster).</summary>
    public sealed class PollerSandbox : SandboxHarness { }

    /// <summary>
    /// Pollers against the real crontab and the sandbox: registration, interval changes, removal when a mission
    /// completes, fails or is cancelled, orphans, concurrent ticks, and a tick run by cron's exact command line that
    /// takes a mission to completion. The crontab found before the class is restored after it.
    /// </summary>
    [Collection("Environment")]
    public sealed class CronPollerTests : IClassFixture<PollerSandbox>, IClassFixture<CrontabGuard>
    {
        readonly PollerSandbox _sb;
        static readonly string Host = Path.Combine(AppContext.BaseDirectory, "clawdtalk");

        public CronPollerTests(PollerSandbox sb, CrontabGuard _) { _sb = sb; }

        static string NewName() => Names.Unique("ctpoll");

        Dictionary<string, object?> V(params (string, object?)[] kv)
        {
            var d = new Dictionary<string, object?> { ["exe"] = Host };
            foreach (var (k, v) in kv) d[k] = v;
            return d;
        }

        /// <summary>A mission with an agent (assistant and number) and the steps 'call-a' and 'call-b'.</summary>
        (PsSession ps, MissionState state) NewMission()
        {
            _sb.AddNumbers(1);
            var ps = _sb.Session();
            var name = NewName();
            var state = ps.Run("Initialize-ClawdTalkMission -Name $n -Instructions 'Call two plumbers' -Request 'Find a plumber' -Step @{StepId='call-a'; Description='Call A'}, @{StepId='call-b'; Description='Call B'} | Add-ClawdTalkAgent",
                V(("n", name))).Ok().Objects<MissionState>().Last();
            Assert.NotNull(state.AssistantId);
            return (ps, state);
        }

        [CronFact]
        public void Register_writes_one_tagged_line_keeps_the_users_lines_and_Unregister_removes_exactly_it()
        {
            var user = (Crontab.Read() ?? "") + "# a user's own job\n*/7 * * * * /bin/true # not ours\n";
            Crontab.Write(user);
            var (ps, m) = NewMission();
            using (ps)
            {
                var none = ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe -WhatIf", V(("s", m.Slug))).Ok();
                Assert.Empty(none.Output);
                Assert.Equal(user, Crontab.Read());

                var registered = ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug)));
                var info = registered.Single<PollerInfo>();
                // the session's key came from Connect-ClawdTalk, which a cron job cannot see
                Assert.Contains(registered.Warnings, w => w.Contains("will not see the key", StringComparison.Ordinal));
                Assert.Equal(m.Slug, info.Slug);
                Assert.Equal("cron", info.Backend);
                Assert.Equal(TimeSpan.FromHours(1), info.Interval); // nothing scheduled yet
                Assert.Equal("Active", info.MissionStatus);
                Assert.False(info.Orphaned);
                var line = Assert.Single(Crontab.LinesOf(m.Slug));
                Assert.Contains($"{Host} -NoProfile -NonInteractive -Command 'Invoke-ClawdTalkPoll -Slug '\\''{m.Slug}'\\'''", line);
                Assert.Contains("CLAWDTALK_STATE=", line);
                Assert.DoesNotContain(_sb.Key, line);
                Assert.DoesNotContain("CLAWDTALK_API", line);
                Assert.StartsWith(user, Crontab.Read());
                if (!OperatingSystem.IsWindows())
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(info.LogPath!));

                var listed = ps.Run("Get-ClawdTalkPoller -Slug 'ctpoll-*'").Ok().Objects<PollerInfo>();
                Assert.Contains(listed, p => p.Slug == m.Slug && p.Interval == TimeSpan.FromHours(1));
                var shown = ps.RunFormatted("Get-ClawdTalkPoller -Slug $s", V(("s", m.Slug))).Ok().HostText;
                Assert.Contains(m.Slug, shown);
                Assert.Contains("every hour", shown);

                // registering again replaces it; Unregister -WhatIf keeps it; Unregister removes only it
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug))).Ok();
                Assert.Single(Crontab.LinesOf(m.Slug));
                ps.Run("Unregister-ClawdTalkPoller -Slug $s -WhatIf", V(("s", m.Slug))).Ok();
                Assert.Single(Crontab.LinesOf(m.Slug));
                ps.Run("Get-ClawdTalkPoller -Slug $s | Unregister-ClawdTalkPoller -Force", V(("s", m.Slug))).Ok();
                Assert.Empty(Crontab.LinesOf(m.Slug));
                Assert.Equal(user, Crontab.Read());
                var missing = ps.Run("Get-ClawdTalkPoller -Slug $s", V(("s", m.Slug)));
                Assert.Equal(ErrorCategory.ObjectNotFound, missing.Error("PollerNotFound").CategoryInfo.Category);
                ps.Run("Stop-ClawdTalkMission -Slug $s -Reason 'test over' -Force", V(("s", m.Slug))).Ok();
            }
        }

        [CronFact]
        public void Register_validates_before_writing_anything()
        {
            var before = Crontab.Read();
            var (ps, m) = NewMission();
            using (ps)
            {
                Assert.Equal(ErrorCategory.ObjectNotFound, ps.Run("Register-ClawdTalkPoller -Slug no-such-mission -Executable $exe").Error("MissionStateNotFound").CategoryInfo.Category);
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable /bin/true", V(("s", m.Slug))).Error("InvalidPollerHost", ErrorCategory.InvalidArgument);
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable /no/such/pwsh", V(("s", m.Slug))).Error("PollerHostNotFound");
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe -RetryDelay '00:00:10'", V(("s", m.Slug))).Error("InvalidRetryDelay");
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe -EventId evt_999999", V(("s", m.Slug))).Error("ScheduledEventNotFound", ErrorCategory.ObjectNotFound);
                Assert.Equal(before, Crontab.Read());
                ps.Run("Complete-ClawdTalkMission -Slug $s -Summary done", V(("s", m.Slug))).Ok();
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug))).Error("MissionAlreadyEnded", ErrorCategory.InvalidOperation);
                Assert.Equal(before, Crontab.Read());
            }
        }

        [CronFact]
        public void Completing_failing_or_cancelling_a_mission_removes_its_poller()
        {
            foreach (var end in new[] { "Complete-ClawdTalkMission -Slug $s -Summary 'All done'", "Set-ClawdTalkStep -Slug $s -StepId call-a -Status failed -Summary 'number disconnected'",
                         "Stop-ClawdTalkMission -Slug $s -Reason 'owner changed plans' -Force" })
            {
                var (ps, m) = NewMission();
                using (ps)
                {
                    ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug))).Ok();
                    Assert.Single(Crontab.LinesOf(m.Slug));
                    var r = ps.Run(end + " -Verbose", V(("s", m.Slug))).Ok();
                    Assert.Empty(r.Warnings);
                    Assert.Empty(Crontab.LinesOf(m.Slug));
                    Assert.Contains(r.Verbose, v => v.Contains("Removed the cron poller of '" + m.Slug + "'", StringComparison.Ordinal));
                    // the closing event on the dashboard says what was cleaned up
                    var closing = _sb.Events(m.MissionId!, m.RunId!).Last();
                    Assert.Contains($"poller cron '{m.Slug}'", closing["payload"]!["cleaned_up"]!.Values<string>());
                }
            }
        }

        [CronFact]
        public void A_tick_re_registers_the_poller_as_the_next_event_nears()
        {
            var slug = Names.SlugOf(NewName());
            using var server = new ScriptedServer();
            var state = StateFile.Path;
            var when = DateTimeOffset.UtcNow.AddDays(9);
            StoreEntry(slug, new JObject
            {
                ["event_id"] = "evt_far", ["assistant_id"] = "ast_1", ["channel"] = "call", ["to"] = "+15551230007", ["status"] = "pending",
                ["scheduled_at"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            });
            using var ps = new PsSession().Secret(_sb.Key);
            ps.Run("Connect-ClawdTalk -ApiKey $k -Server $u", new Dictionary<string, object?> { ["k"] = SecureStrings.From(_sb.Key), ["u"] = server.Url }).Ok();
            try
            {
                var info = ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", slug))).Single<PollerInfo>();
                Assert.Equal(TimeSpan.FromHours(8), info.Interval); // more than a week away
                Assert.Empty(server.Requests); // a recorded event is not fetched again

                string Event(string status, DateTimeOffset at) =>
                    new JObject { ["event"] = new JObject { ["id"] = "evt_far", ["status"] = status, ["scheduled_at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") } }.ToString();

                server.Then(new ScriptedServer.Reply(200, Event("pending", DateTimeOffset.UtcNow.AddMinutes(30))));
                var tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s -Verbose", V(("s", slug))).Single<PollResult>();
                Assert.Equal(PollStatus.Waiting, tick.Status);
                Assert.Equal(TimeSpan.FromMinutes(5), tick.Interval);
                Assert.StartsWith("*/5 * * * * ", Assert.Single(Crontab.LinesOf(slug)));
                // the record of the older layout (entry-level scheduled_events) now lives in memory, the one place
                var migrated = StateFile.Entry(slug);
                Assert.Null(migrated["scheduled_events"]);
                var record = Assert.Single(((JArray)migrated["memory"]!["scheduled_events"]!).OfType<JObject>());
                Assert.Equal("evt_far", (string?)record["event_id"]);
                Assert.Equal("ast_1", (string?)record["assistant_id"]);

                // the service runs in real time (no time-scale header): before the first look at the event (two minutes
                // after its time) a tick asks it nothing
                tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", slug))).Single<PollResult>();
                Assert.Equal(PollStatus.Waiting, tick.Status);
                Assert.Contains("Nothing to ask yet", tick.Message, StringComparison.Ordinal);
                Assert.Equal(TimeSpan.FromMinutes(5), tick.Interval);
                Assert.Single(server.Requests);

                // time passes: the event's time is three minutes gone, so the next tick looks
                new ClawdTalk.State.MissionStateStore(state).UpdateExisting(slug, e =>
                    ((JObject)((JArray)e["memory"]!["scheduled_events"]!)[0])["scheduled_at"] = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
                server.Then(new ScriptedServer.Reply(200, Event("pending", DateTimeOffset.UtcNow.AddMinutes(-3))));
                tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", slug))).Single<PollResult>();
                Assert.Equal(TimeSpan.FromSeconds(30), tick.Interval);
                var lines = Crontab.LinesOf(slug);
                Assert.Equal(2, lines.Length);
                Assert.Contains(lines, l => l.StartsWith("* * * * * sleep 30; ", StringComparison.Ordinal));

                server.Then(new ScriptedServer.Reply(200, Event("in_progress", DateTimeOffset.UtcNow.AddSeconds(-20))));
                tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", slug))).Single<PollResult>();
                Assert.Equal(TimeSpan.FromSeconds(30), tick.Interval);
                Assert.Equal(lines, Crontab.LinesOf(slug)); // unchanged: not rewritten
                Assert.Equal(3, server.Requests.Count); // none for the tick before the first look
                Assert.All(server.Requests, r => Assert.Equal("/v1/assistants/ast_1/events/evt_far", r.Path));
            }
            finally
            {
                ps.Run("Unregister-ClawdTalkPoller -Slug $s -Force -ErrorAction SilentlyContinue", V(("s", slug)));
                new ClawdTalk.State.MissionStateStore(state).Update(slug, _ => null);
            }
        }

        /// <summary>A slug entry as the module wrote it before issue 17: the poller's records at the entry's top level.</summary>
        static void StoreEntry(string slug, params JObject[] events) =>
            new ClawdTalk.State.MissionStateStore(StateFile.Path).Update(slug, _ => new JObject
            {
                ["mission_name"] = slug, ["mission_id"] = "mis_x", ["run_id"] = "run_x", ["assistant_id"] = "ast_1", ["agent_phone"] = "+15550000103",
                ["created_at"] = "2026-01-01T00:00:00+00:00", ["memory"] = new JObject(), ["status"] = "active",
                ["scheduled_events"] = new JArray(events),
            });

        [CronFact]
        public void A_tick_of_a_slug_that_is_gone_removes_its_own_poller()
        {
            var (ps, m) = NewMission();
            using (ps)
            {
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug))).Ok();
                ps.Run("Remove-ClawdTalkMissionState -Slug $s -Force", V(("s", m.Slug))).Ok();
                var orphan = ps.Run("Get-ClawdTalkPoller -Slug $s", V(("s", m.Slug))).Single<PollerInfo>();
                Assert.True(orphan.Orphaned);
                Assert.Equal("Missing", orphan.MissionStatus);
                var status = ps.Run("Get-ClawdTalkStatus -Offline").Single<StatusReport>();
                Assert.Contains(status.Problems, p => p.Contains(m.Slug, StringComparison.Ordinal) && p.Contains("outlived", StringComparison.Ordinal));

                var r = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", m.Slug)));
                var tick = r.Objects<PollResult>().Single();
                Assert.Equal(PollStatus.Orphaned, tick.Status);
                Assert.True(tick.PollerRemoved);
                Assert.Empty(Crontab.LinesOf(m.Slug));
            }
        }

        [CronFact]
        public void A_second_tick_while_one_runs_does_nothing()
        {
            var (ps, m) = NewMission();
            using (ps)
            {
                ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe", V(("s", m.Slug))).Ok();
                var before = _sb.Log().Count;
                using (FileLock.Acquire(PollerPaths.TickLock(m.Slug!), TimeSpan.FromSeconds(5)))
                {
                    var tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", m.Slug))).Single<PollResult>();
                    Assert.Equal(PollStatus.Busy, tick.Status);
                }
                Assert.Equal(before, _sb.Log().Count); // it sent nothing
                var after = ps.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", m.Slug))).Single<PollResult>();
                Assert.Equal(PollStatus.Waiting, after.Status);
                ps.Run("Stop-ClawdTalkMission -Slug $s -Reason done -Force", V(("s", m.Slug))).Ok();
                Assert.Empty(Crontab.LinesOf(m.Slug));
            }
        }

        [CronFact]
        public void Ticks_run_by_crons_exact_command_line_retry_a_missed_call_and_take_the_mission_to_completion()
        {
            var (ps, m) = NewMission();
            using (ps)
            {
                // call A is answered; call B's number misses the first call and answers the second (sandbox number 0005)
                var a = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, "+15551230007", m.MissionId!, m.RunId!, "call-a", TimeSpan.FromSeconds(90));
                var b = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, "+15551230005", m.MissionId!, m.RunId!, "call-b", TimeSpan.FromSeconds(90));
                var info = ps.Run("[pscustomobject]@{ Slug = $s; EventId = $a; AssistantId = $aid }, [pscustomobject]@{ Slug = $s; EventId = $b; AssistantId = $aid } | " +
                                  "Register-ClawdTalkPoller -Executable $exe -MaxAttempts 2 -RetryDelay '00:01:00'",
                    V(("s", m.Slug), ("a", a), ("b", b), ("aid", m.AssistantId))).Single<PollerInfo>();
                Assert.Equal(TimeSpan.FromSeconds(30), info.Interval); // the first look, two minutes after the calls' time, is under five minutes away
                var line = Crontab.LinesOf(m.Slug).First(l => !l.Contains("sleep 30", StringComparison.Ordinal));
                var command = CronScheduler.CommandOf(line)!;

                SandboxHarness.WaitUntil(() => _sb.ScheduledEvent(m.AssistantId!, a)["status"]!.ToString() == "completed" && _sb.ScheduledEvent(m.AssistantId!, b)["status"]!.ToString() == "failed", "both calls to end", 20);
                var first = RunAsCron(command, info.LogPath!);
                Assert.Contains("Advanced", first);
                var entry = StateFile.Entry(m.Slug!);
                var records = ((JArray)entry["memory"]!["scheduled_events"]!).OfType<JObject>().ToList();
                Assert.Equal(3, records.Count);
                var retry = records.Single(r => (string?)r["retry_of"] == b);
                Assert.Equal(2, (int)retry["attempt"]!);
                Assert.Equal("completed", (string?)entry["steps"]!.First(s => (string?)s["step_id"] == "call-a")["status"]);
                Assert.Equal("in_progress", (string?)entry["steps"]!.First(s => (string?)s["step_id"] == "call-b")["status"]);
                Assert.Equal("active", (string?)entry["status"]);
                // the service had ended the run with the last call: it was opened again for the retry
                Assert.Contains(_sb.Log(), r => (string?)r["method"] == "PATCH" && (string?)r["path"] == $"/v1/missions/{m.MissionId}/runs/{m.RunId}"
                                                && ((string?)r["body"] ?? "").Contains("\"running\"", StringComparison.Ordinal));

                var retryId = (string)retry["event_id"]!;
                SandboxHarness.WaitUntil(() => _sb.ScheduledEvent(m.AssistantId!, retryId)["status"]!.ToString() == "completed", "the retry to be answered", 20);
                var second = RunAsCron(Crontab.LinesOf(m.Slug).FirstOrDefault(l => !l.Contains("sleep 30", StringComparison.Ordinal)) is string l2 && CronScheduler.CommandOf(l2) is string c2 ? c2 : command, info.LogPath!);
                Assert.Contains("Ended", second);

                // the mission is complete everywhere, and its poller is gone
                entry = StateFile.Entry(m.Slug!);
                Assert.Equal("succeeded", (string?)entry["status"]);
                Assert.Equal("succeeded", (string?)_sb.Run(m.MissionId!, m.RunId!)["status"]);
                Assert.Empty(Crontab.LinesOf(m.Slug));
                Assert.NotNull(entry["memory"]!["event:" + retryId]!["conversation_id"]);
                var events = _sb.Events(m.MissionId!, m.RunId!).ToList();
                Assert.Contains(events, e => (string?)e["type"] == "step_completed" && (string?)e["step_id"] == "call-a");
                Assert.Contains(events, e => (string?)e["type"] == "custom" && ((string?)e["summary"])!.Contains("retrying (attempt 2 of 2)", StringComparison.Ordinal));
                Assert.Contains(events, e => (string?)e["type"] == "step_completed" && (string?)e["step_id"] == "call-b");
                Assert.Contains("Mission succeeded", (string?)events.Last()["summary"]);
                // exactly one retry call was placed, whatever ran twice
                Assert.Equal(3, _sb.ScheduledEvents(m.AssistantId!).Count(e => (string?)e["mission_id"] == m.MissionId));
                Assert.DoesNotContain(_sb.Key, File.ReadAllText(info.LogPath!));
            }
        }

        [CronFact]
        public void A_tick_that_died_after_scheduling_a_retry_does_not_place_a_second_call()
        {
            var (ps, m) = NewMission();
            using (ps)
            {
                var b = _sb.ScheduleCall(m.AssistantId!, m.AgentPhone!, "+15551240001", m.MissionId!, m.RunId!, "call-b", TimeSpan.FromSeconds(90));
                ps.Run("Register-ClawdTalkPoller -Slug $s -EventId $b -Executable $exe -MaxAttempts 3", V(("s", m.Slug), ("b", b))).Ok();
                SandboxHarness.WaitUntil(() => _sb.ScheduledEvent(m.AssistantId!, b)["status"]!.ToString() == "failed", "the call to go unanswered", 20);
                var eventsPath = $"/v1/assistants/{m.AssistantId}/events";

                // the tick's process dies right after the service created the retry: the answer never arrives
                using (var proxy = new CrashingProxy(_sb.Url, s => s.Method == "POST" && s.Path == eventsPath, CrashingProxy.CrashMode.AnswerLost))
                using (var dying = new PsSession().Secret(_sb.Key))
                {
                    dying.Run("Connect-ClawdTalk -ApiKey $k -Server $u -MaxRetryCount 0", new Dictionary<string, object?> { ["k"] = SecureStrings.From(_sb.Key), ["u"] = proxy.Url }).Ok();
                    var crashed = dying.Run("Invoke-ClawdTalkPoll -Slug $s", V(("s", m.Slug)));
                    Assert.True(proxy.Crashed);
                    Assert.NotEmpty(crashed.ErrorIds);
                }
                Assert.Equal(2, Calls(m).Count); // the retry exists on the service, unknown to the state file

                // the next tick finds it instead of placing another call
                var tick = ps.Run("Invoke-ClawdTalkPoll -Slug $s -Verbose", V(("s", m.Slug))).Single<PollResult>();
                var calls = Calls(m);
                Assert.Equal(2, calls.Count);
                var retry = calls.Single(c => (string?)c["id"] != b);
                Assert.Contains((string)retry["id"]!, tick.Retries);
                Assert.Equal(PollStatus.Advanced, tick.Status);
                var record = ((JArray)StateFile.Entry(m.Slug!)["memory"]!["scheduled_events"]!).OfType<JObject>().Single(r => (string?)r["retry_of"] == b);
                Assert.Equal((string?)retry["id"], (string?)record["event_id"]);
                // two POSTs reached the service in all: the test's call and the one retry
                Assert.Equal(2, _sb.Log().Count(r => (string?)r["method"] == "POST" && (string?)r["path"] == eventsPath && (bool?)r["applied"] == true
                                                      && ((string?)r["body"] ?? "").Contains("+15551240001", StringComparison.Ordinal)));

                ps.Run("Stop-ClawdTalkMission -Slug $s -Reason done -Force", V(("s", m.Slug))).Ok();
                Assert.Empty(Crontab.LinesOf(m.Slug));
            }
        }

        List<JObject> Calls(MissionState m) =>
            _sb.ScheduledEvents(m.AssistantId!).OfType<JObject>().Where(e => (string?)e["mission_id"] == m.MissionId).ToList();

        /// <summary>Runs a crontab line's command the way cron does (/bin/sh -c, a bare environment plus the connection) and returns the log it appended.</summary>
        string RunAsCron(string command, string logPath)
        {
            var before = File.Exists(logPath) ? File.ReadAllText(logPath).Length : 0;
            var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(command);
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/usr/bin:/bin";
            psi.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/tmp";
            psi.Environment["CLAWDTALK_API_KEY"] = _sb.Key;
            psi.Environment["CLAWDTALK_API_URL"] = _sb.Url + "/v1";
            using var p = Process.Start(psi)!;
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "the tick did not finish");
            Assert.Equal("", o.Result + e.Result); // everything went to the log
            var log = File.ReadAllText(logPath)[before..];
            Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}; log:\n{log}");
            return log;
        }
    }
}
