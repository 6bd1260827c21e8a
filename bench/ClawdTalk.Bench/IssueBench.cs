using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using ClawdTalk.Sandbox;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// `-- --issue`: the table of issue 15 on this machine (one mission read per process, whole-process wall and CPU, medians)
    /// with the floors (bare `pwsh -NoProfile -Command exit`, a `dotnet` hello), and an agent session: ten different reads
    /// and writes in a row through `clawdtalk` from a cold start (no server running: the first command starts it), ten
    /// through `clawdtalk --cold`, and ten through `pwsh -Command` importing the module, total wall time each.
    /// </summary>
    internal static class IssueBench
    {
        public static void Run(Table table, SandboxServer sandbox, string key, string repo, string publishedExe, int runs)
        {
            var id = CreateMission(sandbox, key);
            var tmp = Path.Combine(Path.GetTempPath(), "clawdtalk-issue-bench-" + Environment.ProcessId);
            Directory.CreateDirectory(tmp);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var socket = Path.Combine(tmp, "host.sock");
            var manifest = ClawdTalk.Host.ScriptSession.FindModule()!;
            var pwsh = PwshDll();
            var buildHost = Path.Combine(repo, "src", "ClawdTalk.Host", "bin", "Debug", "net10.0", OperatingSystem.IsWindows() ? "clawdtalk.exe" : "clawdtalk");
            var read = $"Get-ClawdTalkMission -MissionId {id}";

            ProcessStartInfo Env(ProcessStartInfo psi, string? resident = "off")
            {
                psi.Environment["CLAWDTALK_API_KEY"] = key;
                psi.Environment["CLAWDTALK_API_URL"] = sandbox.ApiBaseUri.AbsoluteUri;
                psi.Environment["CLAWDTALK_CONFIG"] = Path.Combine(tmp, "skill-config.json");
                psi.Environment["CLAWDTALK_STATE"] = Path.Combine(tmp, "state.json");
                psi.Environment["CLAWDTALK_HOST_SOCKET"] = socket;
                psi.Environment["CLAWDTALK_RESIDENT"] = resident;
                psi.Environment["CLAWDTALK_RESIDENT_IDLE"] = "60s";
                return psi;
            }
            ProcessStartInfo Host(string exe, string command, string? resident = "off", bool cold = false)
            {
                var p = new ProcessStartInfo(exe);
                if (cold) p.ArgumentList.Add("--cold");
                p.ArgumentList.Add("-Command"); p.ArgumentList.Add(command);
                return Env(p, resident);
            }
            ProcessStartInfo Pwsh(string command)
            {
                var p = new ProcessStartInfo("dotnet");
                p.ArgumentList.Add(pwsh); p.ArgumentList.Add("-NoProfile"); p.ArgumentList.Add("-Command"); p.ArgumentList.Add(command);
                return Env(p);
            }
            void Stop() => Measure.Child(Env(new ProcessStartInfo(publishedExe) { ArgumentList = { "--stop" } }, null));

            void Row(string label, Func<ProcessStartInfo> psi, int n)
            {
                var wall = new List<double>(); var cpu = new List<double>();
                for (var i = 0; i <= n; i++)
                {
                    var r = Measure.Child(psi());
                    if (r.exit != 0) { table.Row(label, $"failed (exit {r.exit})", r.stderr.Split('\n')[0], ""); return; }
                    if (i == 0) continue;
                    wall.Add(r.ms); cpu.Add(Measure.LastChildCpuMs);
                }
                table.Row(label, $"{Measure.Median(wall) / 1000:0.000} s", $"CPU {Measure.Median(cpu) / 1000:0.000} s, p90 {Measure.Percentile(wall, 90) / 1000:0.000} s (n={n})", "");
            }

            Row("floor: `pwsh -NoProfile -Command exit`", () => Pwsh("exit"), runs);
            Row("floor: `dotnet` hello", () => new ProcessStartInfo("dotnet") { ArgumentList = { typeof(IssueBench).Assembly.Location, "--hello" } }, runs);
            Row("`clawdtalk --cold -Command` as `dotnet build` leaves it", () => Host(buildHost, read, cold: true), runs);
            Row("`clawdtalk --cold -Command` published ReadyToRun with the launcher", () => Host(publishedExe, read, cold: true), runs);
            Measure.Child(Host(publishedExe, "$PID", resident: null)); // starts the server
            Row("`clawdtalk -Command` (resident server, started by the first command)", () => Host(publishedExe, read, resident: null), runs * 2);
            Stop();
            Row("`pwsh -NoProfile -Command \"Import-Module ClawdTalk; Get-ClawdTalkMission …\"`", () => Pwsh($"Import-Module '{manifest}'; {read}"), runs);

            // the agent session: ten different reads and writes in a row
            var session = new[]
            {
                "Test-ClawdTalkConnection -Quiet",
                read,
                $"Get-ClawdTalkRun -MissionId {id}",
                "New-ClawdTalkMission -Name 'bench session' -Instructions 'measure' -Confirm:$false | Out-Null",
                $"New-ClawdTalkRun -MissionId {id} -Request 'bench' -Confirm:$false | Out-Null",
                "Get-ClawdTalkAssistant | Out-Null",
                "Set-ClawdTalkConfiguration -OwnerName 'bench owner'",
                "Get-ClawdTalkConfiguration | Out-Null",
                $"@(Get-ClawdTalkRun -MissionId {id}).Count",
                "Get-ClawdTalkPhoneNumber | Out-Null",
            };
            double Session(Func<string, ProcessStartInfo> psi, out int failures)
            {
                var w = Stopwatch.StartNew(); failures = 0;
                foreach (var c in session) if (Measure.Child(psi(c)).exit != 0) failures++;
                return w.Elapsed.TotalSeconds;
            }
            Stop();
            var resident = Session(c => Host(publishedExe, c, resident: null), out var f1);
            Stop();
            var cold = Session(c => Host(publishedExe, c, cold: true), out var f2);
            var viaPwsh = Session(c => Pwsh($"Import-Module '{manifest}'; {c}"), out var f3);
            table.Row("agent session, 10 commands: `clawdtalk -Command` from a cold start", $"{resident:0.00} s", $"{cold / resident:0.0}x faster than --cold{(f1 > 0 ? $"; {f1} failed" : "")}", "");
            table.Row("agent session, 10 commands: `clawdtalk --cold -Command`", $"{cold:0.00} s", f2 > 0 ? $"{f2} failed" : "", "");
            table.Row("agent session, 10 commands: `pwsh -NoProfile -Command`", $"{viaPwsh:0.00} s", f3 > 0 ? $"{f3} failed" : "", "");
            try { Directory.Delete(tmp, true); } catch (IOException) { }
        }

        internal static string CreateMission(SandboxServer sandbox, string key)
        {
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var created = http.PostAsync(sandbox.ApiBaseUri.AbsoluteUri.TrimEnd('/') + "/missions",
                new StringContent("{\"name\":\"bench\",\"instructions\":\"x\"}", System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            var o = JObject.Parse(created.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            return (string?)(o["mission"]?["id"] ?? o["data"]?["id"] ?? o["id"]) ?? throw new InvalidOperationException("no mission id");
        }

        /// <summary>The pinned pwsh (dotnet tool, see .config/dotnet-tools.json) in the NuGet cache.</summary>
        internal static string PwshDll()
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var unix = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win" : "unix";
            return Directory.GetFiles(Path.Combine(root, "powershell"), "pwsh.dll", SearchOption.AllDirectories)
                .Where(p => p.Contains(Path.DirectorySeparatorChar + unix + Path.DirectorySeparatorChar)).OrderBy(p => p, StringComparer.Ordinal).Last();
        }
    }
}
