using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// `-- --scale [--sizes 500,2000,10000]`: the cost per scheduled target as a campaign grows. One
    /// `Register-ClawdTalkCall` (ThrottleLimit 8, bookkeeping in a fresh state file) schedules N targets a day ahead on the
    /// in-process sandbox; a row per N: wall, ms per target, the process's CPU (client and sandbox share it), bytes
    /// allocated, and the state file's size at the end. Flat ms per target from the smallest N to the largest is the goal.
    /// </summary>
    internal static class ScaleBench
    {
        public static void Run(Table table, SandboxServer sandbox, string key, IReadOnlyList<int> sizes)
        {
            using var control = new HttpClient { BaseAddress = sandbox.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            using var session = BenchSession.Connected(sandbox, key);
            Post(control, "/_sandbox/numbers", "{\"count\":" + (sizes.Count + 1) + "}");
            foreach (var n in sizes)
            {
                var dir = Path.Combine(Path.GetTempPath(), "clawdtalk-scale-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(dir);
                var state = Path.Combine(dir, "missions_state.json");
                try
                {
                    session.Invoke("param($p) $env:CLAWDTALK_STATE = $p", state);
                    var name = $"Scale {n} {Guid.NewGuid():N}"[..20];
                    var slug = session.Invoke("param($n) (Initialize-ClawdTalkMission -Name $n -Instructions 'Bench' -Request 'Bench' -Step calls | Add-ClawdTalkAgent -Instructions 'Be brief.').Slug", name)[0].ToString();
                    // distinct numbers in the 555 ranges of three area codes (10,000 each), a year ahead on the sandbox's clock (600x:
                    // 14 real hours) so none completes and none falls under the service's minimum lead while the batch is sent
                    var areas = new[] { "720", "303", "212" };
                    var targets = Enumerable.Range(0, n).Select(i => $"+1 {areas[i / 10000]} 555 {i % 10000:0000}").ToArray();
                    GC.Collect();
                    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    var alloc0 = GC.GetTotalAllocatedBytes();
                    var w = Stopwatch.StartNew();
                    var events = session.Invoke("param($t, $s) $t | Register-ClawdTalkCall -Slug $s -StepId calls -At ([datetime]::UtcNow.AddDays(365)) -ThrottleLimit 8 -Force", targets, slug);
                    var wall = w.Elapsed.TotalMilliseconds;
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
                    var bytes = GC.GetTotalAllocatedBytes() - alloc0;
                    if (events.Count != n) throw new InvalidOperationException($"scale: {events.Count} of {n} scheduled");
                    var size = new FileInfo(state).Length;
                    table.Row($"scale: schedule {n:N0} targets in one Register-ClawdTalkCall (ThrottleLimit 8)",
                        $"{wall / 1000:0.0} s", $"{wall / n:0.00} ms per target; CPU {cpu / 1000:0.0} s (client and sandbox); {bytes / 1048576.0:0} MiB allocated",
                        $"{Measure.SelfPeakMiB():0} MiB (process)", $"state file {size / 1048576.0:0.0} MiB");
                    session.Invoke("param($s) $null = Unregister-ClawdTalkScheduledEvent -Slug $s -Reason 'bench' -Force", slug);
                }
                finally
                {
                    try { Directory.Delete(dir, true); } catch (IOException) { }
                }
            }
        }

        static void Post(HttpClient control, string path, string json)
        {
            using var r = control.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            r.EnsureSuccessStatusCode();
        }
    }
}
