using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// `-- --import-share`: the module's share of a cold pwsh (issue 15's goal: at most 150 ms). Whole-process wall and CPU of
    /// `pwsh -NoProfile -Command "Import-Module …; Get-ClawdTalkMission -MissionId …"` minus `pwsh -NoProfile -Command exit`,
    /// run in turn (A B A B …) so a drift in the machine's load hits both, medians; then where it goes: the JIT-compiled
    /// methods and JIT milliseconds (System.Runtime.JitInfo, read inside the process) of pwsh's start, Import-Module,
    /// the first Get-ClawdTalkMission and formatting its output. CPU and JIT counts are the steady figures on a busy machine.
    /// </summary>
    internal static class ImportShareBench
    {
        public static void Run(Table table, SandboxServer sandbox, string key, int runs)
        {
            var id = IssueBench.CreateMission(sandbox, key);
            var tmp = Path.Combine(Path.GetTempPath(), "clawdtalk-import-bench-" + Environment.ProcessId);
            Directory.CreateDirectory(tmp);
            var manifest = ClawdTalk.Host.ScriptSession.FindModule()!;
            var pwsh = IssueBench.PwshDll();
            ProcessStartInfo Pwsh(string command)
            {
                var p = new ProcessStartInfo("dotnet");
                p.ArgumentList.Add(pwsh); p.ArgumentList.Add("-NoProfile"); p.ArgumentList.Add("-Command"); p.ArgumentList.Add(command);
                p.Environment["CLAWDTALK_API_KEY"] = key;
                p.Environment["CLAWDTALK_API_URL"] = sandbox.ApiBaseUri.AbsoluteUri;
                p.Environment["CLAWDTALK_CONFIG"] = Path.Combine(tmp, "config.json");
                p.Environment["CLAWDTALK_STATE"] = Path.Combine(tmp, "state.json");
                return p;
            }
            var read = $"Import-Module '{manifest}'; Get-ClawdTalkMission -MissionId {id}";
            var wallA = new List<double>(); var cpuA = new List<double>(); var wallB = new List<double>(); var cpuB = new List<double>();
            for (var i = 0; i <= runs; i++)
            {
                var a = Measure.Child(Pwsh(read)); var ca = Measure.LastChildCpuMs;
                if (a.exit != 0) { table.Row("import + read", $"failed (exit {a.exit})", a.stderr.Split('\n')[0], ""); return; }
                var b = Measure.Child(Pwsh("exit")); var cb = Measure.LastChildCpuMs;
                if (i == 0) continue; // warm-up (disk cache)
                wallA.Add(a.ms); cpuA.Add(ca); wallB.Add(b.ms); cpuB.Add(cb);
            }
            var shareWall = wallA.Zip(wallB, (a, b) => a - b).ToList(); var shareCpu = cpuA.Zip(cpuB, (a, b) => a - b).ToList();
            table.Row("floor: `pwsh -NoProfile -Command exit`", $"{Measure.Median(wallB):0} ms", $"CPU {Measure.Median(cpuB):0} ms (n={runs})", "");
            table.Row("`pwsh -NoProfile -Command \"Import-Module …; Get-ClawdTalkMission …\"`", $"{Measure.Median(wallA):0} ms", $"CPU {Measure.Median(cpuA):0} ms (n={runs})", "");
            table.Row("module's share (pair by pair; goal 150 ms)", $"{Measure.Median(shareWall):0} ms", $"CPU {Measure.Median(shareCpu):0} ms", "");

            // where it goes: JIT counts per phase, read inside one process (median of runs)
            const string J = "[System.Runtime.JitInfo]";
            string Mark(string v) => $"${v} = '{{0}} {{1:0}}' -f {J}::GetCompiledMethodCount($false), {J}::GetCompilationTime($false).TotalMilliseconds";
            var probe = $"{Mark("s")}; Import-Module '{manifest}'; {Mark("i")}; $m = Get-ClawdTalkMission -MissionId {id}; {Mark("c")}; "
                + $"$m | Out-Default; {Mark("f")}; [Console]::Error.WriteLine(\"JIT $s $i $c $f\")";
            var phases = new List<double[]>();
            for (var i = 0; i < Math.Max(3, runs / 2); i++)
            {
                var r = Measure.Child(Pwsh(probe));
                var line = r.stderr.Split('\n').FirstOrDefault(l => l.StartsWith("JIT ", StringComparison.Ordinal));
                if (r.exit != 0 || line == null) { table.Row("JIT per phase", "failed", r.stderr.Split('\n')[0], ""); return; }
                phases.Add(line.Substring(4).Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray());
            }
            double Med(int k) => Measure.Median(phases.Select(p => p[k]));
            table.Row("JIT: pwsh start to the first statement", $"{Med(0):0} methods", $"{Med(1):0} ms JIT", "");
            table.Row("JIT: Import-Module ClawdTalk", $"{Med(2) - Med(0):0} methods", $"{Med(3) - Med(1):0} ms JIT", "");
            table.Row("JIT: first Get-ClawdTalkMission (request, object)", $"{Med(4) - Med(2):0} methods", $"{Med(5) - Med(3):0} ms JIT", "");
            table.Row("JIT: formatting the Mission (Out-Default)", $"{Med(6) - Med(4):0} methods", $"{Med(7) - Med(5):0} ms JIT", "");
            try { Directory.Delete(tmp, true); } catch (IOException) { }
        }
    }
}
