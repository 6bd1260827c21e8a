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
    /// With `--published-cli &lt;telnyx_api.py&gt;` (team-telnyx/clawdtalk-client, Python standard library only, never part
    /// of this repository), the published client's figures in the same run: one read (`get-mission`) per process and the
    /// same ten steps (`PublishedCli`), with the targets of issue 24: a warm command at most 10 ms, ten commands from a
    /// cold state at most 0.4 of the published client's time.
    /// </summary>
    internal static class IssueBench
    {
        /// <summary>Issue 24's targets: a warm command through `clawdtalk`, and ten from cold as a share of the published client's ten.</summary>
        const double WarmTargetMs = 10, TenTargetShare = 0.4;

        public static void Run(Table table, SandboxServer sandbox, string key, string repo, string publishedExe, int runs, string? publishedCli)
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
            ProcessStartInfo Cli(params string[] args)
            {
                // its state file (.missions_state.json) goes to the working directory: the bench's temp folder
                var p = new ProcessStartInfo("python3") { WorkingDirectory = tmp };
                p.ArgumentList.Add(publishedCli!);
                foreach (var a in args) p.ArgumentList.Add(a);
                Env(p).Environment["CLAWDTALK_API_URL"] = sandbox.ApiBaseUri.AbsoluteUri.TrimEnd('/'); // it appends "/missions…"
                return p;
            }
            void Stop() => Measure.Child(Env(new ProcessStartInfo(publishedExe) { ArgumentList = { "--stop" } }, null));

            double Row(string label, Func<ProcessStartInfo> psi, int n, int pauseMs = 0, Func<double, string>? note = null)
            {
                var wall = new List<double>(); var cpu = new List<double>();
                for (var i = 0; i <= n; i++)
                {
                    if (pauseMs > 0) System.Threading.Thread.Sleep(pauseMs);
                    var r = Measure.Child(psi());
                    if (r.exit != 0) { table.Row(label, $"failed (exit {r.exit})", r.stderr.Split('\n')[0], ""); return double.NaN; }
                    if (i == 0) continue;
                    wall.Add(r.ms); cpu.Add(Measure.LastChildCpuMs);
                }
                var median = Measure.Median(wall);
                var shown = median < 1000 ? $"{median:0.0} ms" : $"{median / 1000:0.000} s";
                table.Row(label, shown, $"CPU {Measure.Median(cpu):0.0} ms, p90 {Measure.Percentile(wall, 90):0.0} ms (n={n})", "", note?.Invoke(median) ?? "");
                return median;
            }

            Row("floor: `pwsh -NoProfile -Command exit`", () => Pwsh("exit"), runs);
            Row("floor: `dotnet` hello", () => new ProcessStartInfo("dotnet") { ArgumentList = { typeof(IssueBench).Assembly.Location, "--hello" } }, runs);
            Row("`clawdtalk --cold -Command` as `dotnet build` leaves it", () => Host(buildHost, read, cold: true), runs);
            Row("`clawdtalk --cold -Command` published ReadyToRun with the launcher", () => Host(publishedExe, read, cold: true), runs);
            var cli = double.NaN;
            if (publishedCli != null)
                cli = Row("published client: `python3 telnyx_api.py get-mission …` (one read)", () => Cli("get-mission", id), runs * 2);
            string VsWarm(double ms) => $"{ms / WarmTargetMs:0.00}x the {WarmTargetMs:0} ms target" + (double.IsNaN(cli) ? "" : $"; published client {cli:0.0} ms");
            Measure.Child(Host(publishedExe, "$PID", resident: null)); // starts the server
            System.Threading.Thread.Sleep(3000); // its warm-up and session pool: the warm rows measure a server that is ready
            Row("warm: `clawdtalk -Command` (resident server), back to back", () => Host(publishedExe, read, resident: null), runs * 2, note: VsWarm);
            Row("warm: `clawdtalk -Command` (resident server), 0.3 s apart as an agent issues them", () => Host(publishedExe, read, resident: null), runs * 2, pauseMs: 300, note: VsWarm);
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
            // the same ten steps through the published client: reads and writes of the service, and a local state write and read
            var published = new[]
            {
                new[] { "list-missions" },
                new[] { "get-mission", id },
                new[] { "list-runs", id },
                new[] { "create-mission", "bench session", "measure" },
                new[] { "create-run", id, "{\"original_request\":\"bench\"}" },
                new[] { "list-assistants" },
                new[] { "save-memory", "bench", "owner", "bench owner" },
                new[] { "get-memory", "bench" },
                new[] { "list-runs", id },
                new[] { "list-phones" },
            };
            double Session<T>(IEnumerable<T> steps, Func<T, ProcessStartInfo> psi, out int failures)
            {
                var w = Stopwatch.StartNew(); failures = 0;
                foreach (var c in steps) if (Measure.Child(psi(c)).exit != 0) failures++;
                return w.Elapsed.TotalSeconds;
            }
            // from a cold state (no server) through clawdtalk, and the published client, in turn: medians of three rounds
            var rounds = new List<double>(); var cliRounds = new List<double>(); var f1 = 0; var fc = 0;
            for (var round = 0; round < 3; round++)
            {
                Stop();
                System.Threading.Thread.Sleep(500);
                rounds.Add(Session(session, c => Host(publishedExe, c, resident: null), out var f));
                f1 += f;
                if (publishedCli != null) { cliRounds.Add(Session(published, c => Cli(c), out var g)); fc += g; }
            }
            var resident = Measure.Median(rounds);
            Stop();
            var cold = Session(session, c => Host(publishedExe, c, cold: true), out var f2);
            var viaPwsh = Session(session, c => Pwsh($"Import-Module '{manifest}'; {c}"), out var f3);
            if (publishedCli != null)
            {
                var cliTen = Measure.Median(cliRounds);
                table.Row("agent session, 10 commands: published client `python3 telnyx_api.py`", $"{cliTen:0.00} s", $"rounds {string.Join(" / ", cliRounds.Select(x => x.ToString("0.00")))} s{(fc > 0 ? $"; {fc} failed" : "")}", "");
                table.Row("agent session, 10 commands: `clawdtalk` as a share of the published client's", $"{resident / cliTen:0.00}", $"target at most {TenTargetShare:0.0}", "");
            }
            table.Row("agent session, 10 commands: `clawdtalk -Command` from a cold start", $"{resident:0.00} s", $"rounds {string.Join(" / ", rounds.Select(x => x.ToString("0.00")))} s; {cold / resident:0.0}x faster than --cold{(f1 > 0 ? $"; {f1} failed" : "")}", "");
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
