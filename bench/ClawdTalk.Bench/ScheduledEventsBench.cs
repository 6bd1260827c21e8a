using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// Scheduled events at scale: a 100-target sweep end to end in one session (schedule with bookkeeping, wait, insights, complete)
    /// against the sandbox, and Wait-ClawdTalkEvent's requests per check with 1,000 events pending.
    /// </summary>
    internal static class ScheduledEventsBench
    {
        const int Targets = 100, Pending = 1000;

        public static void Run(Table table, SandboxServer sandbox, string key, int runs)
        {
            // the missions of this section live in a state file of their own, not in the user's
            var stateDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clawdtalk-bench-" + Guid.NewGuid().ToString("N")[..8]);
            System.IO.Directory.CreateDirectory(stateDir);
            var previousState = Environment.GetEnvironmentVariable("CLAWDTALK_STATE");
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", System.IO.Path.Combine(stateDir, "missions_state.json"));
            try { RunIn(table, sandbox, key, runs); }
            finally
            {
                Environment.SetEnvironmentVariable("CLAWDTALK_STATE", previousState);
                try { System.IO.Directory.Delete(stateDir, true); } catch (System.IO.IOException) { }
            }
        }

        static void RunIn(Table table, SandboxServer sandbox, string key, int runs)
        {
            using var control = new HttpClient { BaseAddress = sandbox.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            using var session = BenchSession.Connected(sandbox, key);
            Post(control, "/_sandbox/numbers", "{\"count\":" + (runs + 3) + "}");
            // the sandbox's insights answer "in progress" at the first read; the sweep measures the module, not that model
            Post(control, "/_sandbox/insights", "{\"pending_reads\":0}");
            try
            {
                Sweep(table, sandbox, control, session, Math.Max(3, runs / 5));
                if (Program.Only != "sweep") Waits(table, control, session);
            }
            finally { Post(control, "/_sandbox/insights", "{\"pending_reads\":1}"); }
        }

        static void Sweep(Table table, SandboxServer sandbox, HttpClient control, BenchSession session, int runs)
        {
            var walls = new List<double>(); var schedules = new List<double>(); var waits = new List<double>(); var cpus = new List<double>();
            var perTarget = new List<double>(); var allocated = new List<double>();
            Dictionary<string, int>? kinds = null;
            for (var i = 0; i < runs + 1; i++)
            {
                var name = $"Bench sweep {Guid.NewGuid():N}"[..24];
                var slug = session.Invoke("param($n) (Initialize-ClawdTalkMission -Name $n -Instructions 'Bench' -Request 'Bench' -Step sweep | Add-ClawdTalkAgent -Instructions 'Be brief.').Slug", name)[0].ToString();
                var targets = Enumerable.Range(0, Targets).Select(n => $"+1 303 555 {2000 + n:0000}").ToArray();
                var mark = LastSeq(control);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var alloc0 = GC.GetTotalAllocatedBytes();
                var w = Stopwatch.StartNew();
                var events = session.Invoke("param($t, $s) $t | Register-ClawdTalkCall -Slug $s -StepId sweep -ThrottleLimit 8 -Force", targets, slug);
                var scheduled = w.Elapsed.TotalMilliseconds;
                var done = session.Invoke("param($e) $e | Wait-ClawdTalkEvent | Where-Object ConversationId | Get-ClawdTalkInsight -PollInterval 0.1", new object?[] { events.ToArray() });
                var waited = w.Elapsed.TotalMilliseconds - scheduled;
                session.Invoke("param($s, $n) $null = Complete-ClawdTalkMission -Slug $s -Summary \"$n answered\"", slug, done.Count);
                var wall = w.Elapsed.TotalMilliseconds;
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
                var bytes = GC.GetTotalAllocatedBytes() - alloc0;
                if (events.Count != Targets || done.Count != Targets) throw new InvalidOperationException($"sweep: {events.Count} scheduled, {done.Count} insights");
                var log = Log(control, mark);
                if (i == 0) continue; // warm-up
                walls.Add(wall); schedules.Add(scheduled); waits.Add(waited); cpus.Add(cpu); allocated.Add(bytes / 1048576.0);
                perTarget.Add(log.Count / (double)Targets);
                kinds = Kinds(log);
            }
            table.Row($"outreach: {Targets}-target sweep end to end (schedule, bookkeeping, wait, insights, complete)",
                $"{Measure.Median(walls):0} ms", $"schedule {Measure.Median(schedules):0} ms, wait+insights {Measure.Median(waits):0} ms; CPU {Measure.Median(cpus):0} ms (client and sandbox); n={walls.Count}",
                $"{Measure.SelfPeakMiB():0} MiB (process), {Measure.Median(allocated):0} MiB allocated",
                "sandbox time scale 600, insights complete at the first read");
            table.Row($"outreach: HTTP requests per target ({Targets}-target sweep)", $"{Measure.Median(perTarget):0.00}",
                string.Join(", ", kinds!.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value / (double)Targets:0.00}")), "", "from the sandbox's request log");
        }

        static void Waits(Table table, HttpClient control, BenchSession session)
        {
            var name = $"Bench wait {Guid.NewGuid():N}"[..23];
            var slug = session.Invoke("param($n) (Initialize-ClawdTalkMission -Name $n -Instructions 'Bench' -Request 'Bench' | Add-ClawdTalkAgent -Instructions 'Be brief.').Slug", name)[0].ToString();
            var targets = Enumerable.Range(0, Pending).Select(n => $"+1 720 555 {3000 + n:0000}").ToArray();
            var w = Stopwatch.StartNew();
            var events = session.Invoke("param($t, $s) $t | Register-ClawdTalkCall -Slug $s -At ([datetime]::UtcNow.AddDays(1)) -ThrottleLimit 16 -Force", targets, slug);
            var scheduleMs = w.Elapsed.TotalMilliseconds;
            if (events.Count != Pending) throw new InvalidOperationException($"{events.Count} of {Pending} scheduled");
            table.Row($"outreach: schedule {Pending} calls with bookkeeping (ThrottleLimit 16)", $"{scheduleMs:0} ms", $"{scheduleMs / Pending:0.00} ms per call", $"{Measure.SelfPeakMiB():0} MiB (process)");

            var mark = LastSeq(control);
            // the wait ends with its WaitTimeout error (the events are a day away): run as a job of its own, errors expected
            var verbose = session.Invoke("param($e) $r = [powershell]::Create('CurrentRunspace'); " +
                "$null = $r.AddScript('param($e) $e | Wait-ClawdTalkEvent -Timeout 5 -PollInterval 0.5 -Verbose 4>&1').AddArgument($e); " +
                "$r.Invoke() | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }; " +
                "$r.Streams.Error | ForEach-Object { 'error: ' + $_.FullyQualifiedErrorId }; $r.Dispose()",
                new object?[] { events.ToArray() });
            var line = verbose.Select(v => v.ToString()).Last(v => v.StartsWith("Waited ", StringComparison.Ordinal));
            if (!verbose.Any(v => v.ToString().StartsWith("error: WaitTimeout", StringComparison.Ordinal))) throw new InvalidOperationException("the wait did not time out: " + string.Join("; ", verbose));
            var m = Regex.Match(line, @"(\d+) check\(s\), (\d+) list request\(s\)");
            var checks = int.Parse(m.Groups[1].Value); var lists = int.Parse(m.Groups[2].Value);
            var log = Log(control, mark);
            var gets = log.Count(e => (string?)e["method"] == "GET");
            table.Row($"outreach: Wait-ClawdTalkEvent with {Pending} events pending", $"{lists / (double)checks:0.00} requests per check",
                $"{checks} checks, {lists} list requests, {gets} GETs in the sandbox log in 5 s (one assistant)", "");

            w.Restart();
            session.Invoke("param($s) Unregister-ClawdTalkScheduledEvent -Slug $s -Reason 'bench' -Force", slug);
            table.Row($"outreach: cancel {Pending} pending calls (Unregister -Slug)", $"{w.Elapsed.TotalMilliseconds:0} ms", $"{w.Elapsed.TotalMilliseconds / Pending:0.00} ms per call", "");
        }

        static Dictionary<string, int> Kinds(List<JsonObject> log) =>
            log.GroupBy(e =>
            {
                var method = (string?)e["method"]; var path = (string?)e["path"] ?? "";
                if (method == "POST" && Regex.IsMatch(path, "^/v1/assistants/[^/]+/events$")) return "schedule";
                if (method == "POST" && path.EndsWith("/events", StringComparison.Ordinal)) return "run event";
                if (method == "GET" && Regex.IsMatch(path, "^/v1/assistants/[^/]+/events$")) return "event list";
                if (path.Contains("/insights", StringComparison.Ordinal)) return "insights";
                return "mission and agent";
            }).ToDictionary(g => g.Key, g => g.Count());

        static long LastSeq(HttpClient control) => Log(control, 0).Select(e => (long)e["seq"]!).DefaultIfEmpty(0).Max();

        static List<JsonObject> Log(HttpClient control, long since)
        {
            var json = JsonNode.Parse(control.GetStringAsync("/_sandbox/log?since=" + since).GetAwaiter().GetResult())!;
            return json["requests"]!.AsArray().Select(n => n!.AsObject()).Where(e => ((string?)e["path"] ?? "").StartsWith("/v1/", StringComparison.Ordinal)).ToList();
        }

        static void Post(HttpClient control, string path, string json)
        {
            using var r = control.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            r.EnsureSuccessStatusCode();
        }
    }
}
