using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Missions;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>
    /// 100 writer processes killed at random moments while they append to the mission state file: every kill leaves a
    /// parseable file, and no entry a writer reported as committed (printed after its write returned) is lost.
    /// </summary>
    public class CrashSuiteTests
    {
        readonly ITestOutputHelper _out;
        public CrashSuiteTests(ITestOutputHelper output) { _out = output; }

        const int Trials = 100;
        const int Parallel = 4;

        static JObject Entry(string name) => new()
        {
            ["mission_name"] = name, ["mission_id"] = "mis_" + name, ["run_id"] = "run_" + name, ["created_at"] = "2026-01-01T00:00:00Z",
            ["assistant_id"] = null, ["agent_phone"] = null, ["phone_number_id"] = null, ["memory"] = new JObject(), ["last_updated"] = "2026-01-01T00:00:00Z",
        };

        [Fact]
        public async Task Hundred_writers_killed_at_random_points_lose_no_committed_entry()
        {
            var rng = new Random(20261123);
            var delays = Enumerable.Range(0, Trials).Select(_ => rng.Next(0, 400)).ToArray();
            var lanes = Enumerable.Range(0, Parallel).Select(l =>
            {
                var dir = TestEnvironment.NewTempDir();
                var path = Path.Combine(dir, "state.json");
                File.WriteAllText(path, new JObject { ["crash"] = Entry("crash"), ["bystander"] = Entry("bystander") }.ToString());
                return path;
            }).ToArray();
            var committed = lanes.ToDictionary(l => l, _ => new ConcurrentBag<string>());
            var failures = new ConcurrentQueue<string>();
            var killedWhileWriting = 0;

            await Task.WhenAll(Enumerable.Range(0, Parallel).Select(lane => Task.Run(() =>
            {
                var path = lanes[lane];
                for (var trial = lane; trial < Trials; trial += Parallel)
                {
                    var started = new ManualResetEventSlim();
                    // each write is a full read-modify-write of the file under the lock; the value is printed only after it returned
                    using var p = HostProcess.Start(
                        $"$i = 0; while ($true) {{ $i++; $v = 't{trial}-' + $i; Add-ClawdTalkMemory -Slug crash -Key log -Value $v -ErrorAction Stop; [Console]::Out.WriteLine('committed ' + $v); [Console]::Out.Flush() }}",
                        path);
                    var seen = new List<string>();
                    var reader = Task.Run(() =>
                    {
                        string? line;
                        while ((line = p.StandardOutput.ReadLine()) != null)
                            if (line.StartsWith("committed ", StringComparison.Ordinal)) { lock (seen) seen.Add(line[10..]); started.Set(); }
                    });
                    _ = p.StandardError.ReadToEndAsync();
                    if (!started.Wait(TimeSpan.FromSeconds(90))) { failures.Enqueue($"trial {trial}: the writer never committed"); p.Kill(true); continue; }
                    Thread.Sleep(delays[trial]);
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit();
                    reader.Wait(TimeSpan.FromSeconds(10));
                    Interlocked.Increment(ref killedWhileWriting);

                    JObject root;
                    try { root = JObject.Parse(File.ReadAllText(path)); }
                    catch (Exception ex) { failures.Enqueue($"trial {trial}: unparseable file after the kill: {ex.Message}"); continue; }
                    var log = root["crash"]?["memory"]?["log"] as JArray;
                    var present = log == null ? new HashSet<string>() : log.Select(t => (string)t!).ToHashSet();
                    lock (seen)
                        foreach (var c in seen) committed[path].Add(c);
                    foreach (var c in committed[path])
                        if (!present.Contains(c)) failures.Enqueue($"trial {trial}: committed entry {c} was lost");
                    if ((string?)root["bystander"]?["mission_name"] != "bystander") failures.Enqueue($"trial {trial}: another entry was damaged");
                    if (Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp").Length > 1) failures.Enqueue($"trial {trial}: temp files pile up");
                }
            })));

            var total = committed.Values.Sum(b => b.Count);
            _out.WriteLine($"{killedWhileWriting} writers killed, {total} committed entries checked, {failures.Count} failures");
            Assert.Equal(Trials, killedWhileWriting);
            Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
            Assert.True(total >= Trials, "each trial committed at least one entry before it was killed");
        }
    }
}
