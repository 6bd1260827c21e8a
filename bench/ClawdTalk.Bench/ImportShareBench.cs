using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// `-- --import-share`: the module's share of a cold pwsh (issue 15's goal: at most 150 ms). Whole-process wall and CPU of
    /// `pwsh -NoProfile -Command "Import-Module …; Get-ClawdTalkMission -MissionId …"` minus `pwsh -NoProfile -Command exit`,
    /// run in turn (exit, ClawdTalk, floor, exit, …) so a drift in the machine's load hits all three, medians of the pair
    /// by pair differences. The floor is bench/FloorModule: the smallest module of the same shape (a manifest, one binary
    /// cmdlet, one view, no request), so what it costs is what pwsh charges any such module. The peer is PSResourceGet, the
    /// binary module pwsh 7.6 ships (`Import-Module Microsoft.PowerShell.PSResourceGet; Get-PSResourceRepository`: its
    /// manifest, assembly and format file, and a formatted read of its local repository list, no request). Issue 24's goal:
    /// ClawdTalk's share within 40 ms of the floor's, measured in the same run (the median of the round by round
    /// differences). Then where it goes: the
    /// JIT-compiled methods and JIT milliseconds (System.Runtime.JitInfo, read inside the process) of pwsh's start,
    /// Import-Module, the first Get-ClawdTalkMission and formatting its output.
    ///
    /// All of it twice: on the pwsh tool as NuGet serves it, whose engine assemblies are IL only (every engine path a
    /// module triggers is JIT-compiled on each cold start), and on a copy of that tool whose engine assemblies this bench
    /// compiles ReadyToRun with the SDK's crossgen2 (restored by the module's build), as pwsh's own installers ship them.
    /// </summary>
    internal static class ImportShareBench
    {
        public static void Run(Table table, SandboxServer sandbox, string key, int runs)
        {
            var id = IssueBench.CreateMission(sandbox, key);
            var tmp = Path.Combine(Path.GetTempPath(), "clawdtalk-import-bench-" + Environment.ProcessId);
            Directory.CreateDirectory(tmp);
            try
            {
                var floor = FloorModule(tmp);
                var tool = IssueBench.PwshDll();
                Engine(table, "pwsh tool (IL engine)", tool, sandbox, key, id, floor, tmp, runs);
                var r2r = ReadyToRunEngine(tool);
                if (r2r == null) table.Row("ReadyToRun engine", "not measured", "no crossgen2 in the NuGet cache (run `dotnet build` first)", "");
                else Engine(table, "ReadyToRun engine", r2r, sandbox, key, id, floor, tmp, runs);
            }
            finally
            {
                try { Directory.Delete(tmp, true); } catch (IOException) { }
            }
        }

        static void Engine(Table table, string engine, string pwsh, SandboxServer sandbox, string key, string id, string floor, string tmp, int runs)
        {
            var manifest = ClawdTalk.Host.ScriptSession.FindModule()!;
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
            var floorRead = $"Import-Module '{floor}'; Get-FloorThing {id}";
            const string peerRead = "Import-Module Microsoft.PowerShell.PSResourceGet; Get-PSResourceRepository";
            var commands = new[] { "exit", read, floorRead, peerRead };
            var n = commands.Length;
            var wall = new List<double>[n]; var cpu = new List<double>[n];
            for (var k = 0; k < n; k++) { wall[k] = new List<double>(); cpu[k] = new List<double>(); }
            for (var i = 0; i <= runs; i++)
            {
                var results = new (double ms, double cpu)[n];
                for (var k = 0; k < n; k++)
                {
                    var r = Measure.Child(Pwsh(commands[k]));
                    if (r.exit != 0) { table.Row($"{engine}: `{commands[k]}`", $"failed (exit {r.exit})", r.stderr.Split('\n')[0], ""); return; }
                    results[k] = (r.ms, Measure.LastChildCpuMs);
                }
                if (i == 0) continue; // warm-up (disk cache)
                for (var k = 0; k < n; k++) { wall[k].Add(results[k].ms); cpu[k].Add(results[k].cpu); }
            }
            double Share(List<double>[] xs, int k, int baseline = 0) => Measure.Median(xs[k].Zip(xs[baseline], (a, b) => a - b));
            table.Row($"{engine}: `pwsh -NoProfile -Command exit`", $"{Measure.Median(wall[0]):0} ms", $"CPU {Measure.Median(cpu[0]):0} ms (n={runs})", "");
            table.Row($"{engine}: `Import-Module ClawdTalk; Get-ClawdTalkMission …`", $"{Measure.Median(wall[1]):0} ms", $"CPU {Measure.Median(cpu[1]):0} ms", "");
            table.Row($"{engine}: ClawdTalk's share", $"{Share(wall, 1):0} ms", $"CPU {Share(cpu, 1):0} ms", "");
            table.Row($"{engine}: floor, a one-cmdlet module's share", $"{Share(wall, 2):0} ms", $"CPU {Share(cpu, 2):0} ms", "");
            table.Row($"{engine}: peer, PSResourceGet's share (`Get-PSResourceRepository`)", $"{Share(wall, 3):0} ms", $"CPU {Share(cpu, 3):0} ms", "");
            var over = Share(wall, 1, baseline: 2);
            table.Row($"{engine}: ClawdTalk's share minus the floor's (goal at most 40 ms)", $"{over:0} ms", $"CPU {Share(cpu, 1, baseline: 2):0} ms", "", over <= 40 ? "met" : "not met");

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
                if (r.exit != 0 || line == null) { table.Row($"{engine}: JIT per phase", "failed", r.stderr.Split('\n')[0], ""); return; }
                phases.Add(line.Substring(4).Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray());
            }
            double Med(int k) => Measure.Median(phases.Select(p => p[k]));
            table.Row($"{engine}: JIT, pwsh start to the first statement", $"{Med(0):0} methods", $"{Med(1):0} ms JIT", "");
            table.Row($"{engine}: JIT, Import-Module ClawdTalk", $"{Med(2) - Med(0):0} methods", $"{Med(3) - Med(1):0} ms JIT", "");
            table.Row($"{engine}: JIT, first Get-ClawdTalkMission (request, object)", $"{Med(4) - Med(2):0} methods", $"{Med(5) - Med(3):0} ms JIT", "");
            table.Row($"{engine}: JIT, formatting the Mission (Out-Default)", $"{Med(6) - Med(4):0} methods", $"{Med(7) - Med(5):0} ms JIT", "");
        }

        /// <summary>The floor module (bench/FloorModule, built beside this bench) in a module folder of its own.</summary>
        static string FloorModule(string tmp)
        {
            var dir = Path.Combine(tmp, "FloorModule");
            Directory.CreateDirectory(dir);
            foreach (var file in new[] { "FloorModule.dll", "FloorModule.psd1", "FloorModule.format.ps1xml" })
                File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(dir, file), true);
            return Path.Combine(dir, "FloorModule.psd1");
        }

        /// <summary>
        /// A copy of the pwsh tool whose engine assemblies are compiled ReadyToRun by the SDK's crossgen2, kept in the temp
        /// folder for later runs; null when no crossgen2 of this runtime is in the NuGet cache.
        /// </summary>
        static string? ReadyToRunEngine(string toolPwsh)
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var rid = RuntimeInformation.RuntimeIdentifier;
            var version = Path.GetFileName(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
            var crossgen = Path.Combine(root, "microsoft.netcore.app.crossgen2." + rid, version, "tools", OperatingSystem.IsWindows() ? "crossgen2.exe" : "crossgen2");
            if (!File.Exists(crossgen)) return null;
            var toolDir = Path.GetDirectoryName(toolPwsh)!;
            var copy = Path.Combine(Path.GetTempPath(), $"clawdtalk-bench-r2r-pwsh-{new DirectoryInfo(toolDir).Parent!.Parent!.Parent!.Parent!.Name}-{version}");
            var done = Path.Combine(copy, ".compiled");
            if (File.Exists(done)) return Path.Combine(copy, "pwsh.dll");
            if (Directory.Exists(copy)) Directory.Delete(copy, true);
            CopyDirectory(toolDir, copy);
            var framework = RuntimeEnvironment.GetRuntimeDirectory();
            var engine = new[] { "pwsh", "System.Management.Automation", "Microsoft.PowerShell.ConsoleHost", "Microsoft.PowerShell.Commands.Utility",
                "Microsoft.PowerShell.Commands.Management", "Microsoft.PowerShell.Security", "Microsoft.ApplicationInsights", "Newtonsoft.Json" };
            var compiled = Path.Combine(copy, ".r2r");
            Directory.CreateDirectory(compiled);
            foreach (var name in engine)
            {
                var psi = new ProcessStartInfo(crossgen) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { Path.Combine(toolDir, name + ".dll"), "-o:" + Path.Combine(compiled, name + ".dll"), "--targetos:" + TargetOs(),
                             "--targetarch:" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), "-O",
                             "-r:" + Path.Combine(framework, "*.dll"), "-r:" + Path.Combine(toolDir, "*.dll") })
                    psi.ArgumentList.Add(a);
                var r = Measure.Child(psi);
                if (r.exit != 0) { Console.Error.WriteLine($"crossgen2 {name}: exit {r.exit}: {r.stderr.Split('\n')[0]}"); return null; }
            }
            foreach (var name in engine) File.Copy(Path.Combine(compiled, name + ".dll"), Path.Combine(copy, name + ".dll"), true);
            File.WriteAllText(done, "");
            return Path.Combine(copy, "pwsh.dll");
        }

        static string TargetOs() => OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "linux";

        static void CopyDirectory(string from, string to)
        {
            foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to), true);
        }
    }
}
