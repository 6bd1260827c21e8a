using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Missions;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// Several processes (real `clawdtalk` hosts, one state file) scheduling the same mission's targets at the same
    /// moment: each target is reserved in the store under its lock before its request is sent, so every callee gets
    /// exactly one schedule (counted in the sandbox's request log), and every process passes every target on.
    /// </summary>
    [Collection("Environment")]
    public sealed class ConcurrencyTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public ConcurrencyTests(FastScheduledEventSandbox sb) => _sb = sb;

        static string StatePath => Environment.GetEnvironmentVariable("CLAWDTALK_STATE")!;

        Dictionary<string, string> Env() => new()
        {
            ["CLAWDTALK_API_KEY"] = _sb.Key, ["CLAWDTALK_API_URL"] = _sb.Url + "/v1",
        };

        /// <summary>Starts <paramref name="count"/> hosts that wait for a go file, then run <paramref name="script"/> together.</summary>
        List<(int code, string stdout, string stderr)> Together(int count, string script) => Together(count, _ => script);

        List<(int code, string stdout, string stderr)> Together(int count, Func<int, string> script)
        {
            var dir = Path.Combine(Path.GetTempPath(), "clawdtalk-race-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            var go = Path.Combine(dir, "go");
            try
            {
                var processes = Enumerable.Range(0, count).Select(i => HostProcess.Start(
                    $"[System.IO.File]::WriteAllText('{Path.Combine(dir, "ready" + i)}', ''); while (-not [System.IO.File]::Exists('{go}')) {{ [System.Threading.Thread]::Sleep(10) }}; {script(i)}",
                    StatePath, Env())).ToList();
                var outputs = processes.Select(p => (p, stdout: p.StandardOutput.ReadToEndAsync(), stderr: p.StandardError.ReadToEndAsync())).ToList();
                var watch = Stopwatch.StartNew();
                while (Directory.GetFiles(dir, "ready*").Length < count && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
                File.WriteAllText(go, "");
                var results = new List<(int, string, string)>();
                foreach (var (p, stdout, stderr) in outputs)
                {
                    if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); throw new TimeoutException("a host did not finish"); }
                    p.WaitForExit();
                    results.Add((p.ExitCode, stdout.Result, stderr.Result));
                    p.Dispose();
                }
                return results;
            }
            finally { Directory.Delete(dir, true); }
        }

        [Theory]
        [InlineData(2)]
        [InlineData(4)]
        public void Processes_scheduling_the_same_targets_at_once_schedule_each_callee_once(int processes)
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Race " + processes, "calls");
            var numbers = Enumerable.Range(0, 10).Select(i => $"'+1 303 555 {8800 + processes * 20 + i:0000}'").ToArray();
            var mark = _sb.Mark();
            var results = Together(processes, $"{string.Join(", ", numbers)} | Register-ClawdTalkCall -Slug {m.Slug} -StepId calls -ThrottleLimit 4 -Force | ForEach-Object {{ 'EVENT ' + $_.To + ' ' + $_.EventId }}");

            var applied = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.Equal(10, applied.Count);
            Assert.All(applied, kv => Assert.True(kv.Value == 1, $"{kv.Key} was scheduled {kv.Value} times"));
            // every process passes every target on, with the one event the service has for it
            foreach (var (code, stdout, stderr) in results)
            {
                Assert.True(code == 0, $"exit {code}: {stderr}");
                var events = stdout.Split('\n').Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')).ToList();
                Assert.Equal(10, events.Count);
                Assert.Equal(10, events.Select(e => e[1]).Distinct().Count());
            }
            var ids = results.SelectMany(r => r.stdout.Split('\n').Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[2])).Distinct().ToList();
            Assert.Equal(10, ids.Count);
            // one record per callee in the mission's memory, no reservation left behind
            var entry = StateFile.Entry(m.Slug);
            Assert.Equal(10, ScheduledEventSandbox.Records(m.Slug).Count);
            Assert.Null(entry["pending"]?["reservations"]);
        }

        [Fact]
        public void A_wait_and_a_poller_tick_at_once_retry_a_callee_once()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Wait and tick", "calls");
            // the poller's policy: one retry, like the wait's -MaxAttempts 2
            new ClawdTalk.State.MissionStateStore(StatePath).UpdateExisting(m.Slug, e => e["retry_policy"] = new JObject { ["max_attempts"] = 2, ["delay_seconds"] = 60 });
            var mark = _sb.Mark();
            ps.Run("'+1 303 555 0001', '+1 303 555 0002' | Register-ClawdTalkCall -Slug $slug -StepId calls -Force", _sb.Vars(("slug", m.Slug))).Ok();

            // the wait retries in one process while poller ticks run in others, all at the same time
            var results = Together(3, i => i == 0
                ? $"Wait-ClawdTalkEvent -Slug {m.Slug} -MaxAttempts 2 -RetryDelay 60 -Force | ForEach-Object {{ 'DONE ' + $_.To + ' ' + $_.Attempt }}"
                : $"1..40 | ForEach-Object {{ $null = Invoke-ClawdTalkPoll -Slug {m.Slug}; [System.Threading.Thread]::Sleep(25) }}");

            var applied = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.Equal(2, applied["+13035550001"]); // the first call and one retry, never two retries
            Assert.Equal(2, applied["+13035550002"]);
            Assert.All(results, r => Assert.True(r.code == 0, $"exit {r.code}: {r.stderr}"));
        }
    }
}
