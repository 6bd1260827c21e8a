using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading.Tasks;
using ClawdTalk.Host;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>
    /// The benchmark driver. `dotnet run -c Release --project bench/ClawdTalk.Bench [-- --runs N]` prints a markdown
    /// table of medians (and ratios) on this machine. Timings live here, never in tests.
    /// </summary>
    public static class Program
    {
        static string Repo = "";
        static int Runs = 15;
        static bool NoPublish, Composite, Issue, ImportShare, Scale;
        static int[] ScaleSizes = { 500, 2000, 10000 };

        /// <summary>`--published-cli &lt;path&gt;`: the published client's scripts/telnyx_api.py (team-telnyx/clawdtalk-client), for its figures beside ours.</summary>
        static string? PublishedCli;

        /// <summary>`--only sweep`: only the outreach sweep row (no publish, no cold start, no per-cmdlet rows).</summary>
        internal static string? Only;

        /// <summary>Reference figures of the issue (this machine kind): the published Python CLI's one request, and the targets.</summary>
        const double PythonCliMs = 155, ResidentTargetMs = 30, ImportTargetMs = 100;

        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 1 && args[0] == "--hello") { Console.WriteLine("hello"); return 0; } // the `dotnet` hello floor
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--runs" && i + 1 < args.Length) Runs = int.Parse(args[++i]);
                else if (args[i] == "--no-publish") NoPublish = true;      // reuse artifacts/bench-host from the last run
                else if (args[i] == "--composite") Composite = true;       // self-contained, composite ReadyToRun (slow to publish)
                else if (args[i] == "--only" && i + 1 < args.Length) Only = args[++i]; // "sweep": the outreach sweep alone
                else if (args[i] == "--issue") Issue = true;               // only issue 15's table and the agent session (IssueBench.cs)
                else if (args[i] == "--import-share") ImportShare = true;  // only the module's share of a cold pwsh, JIT per phase (ImportShareBench.cs)
                else if (args[i] == "--scale") Scale = true;               // only the cost per target as a campaign grows (ScaleBench.cs)
                else if (args[i] == "--published-cli" && i + 1 < args.Length) PublishedCli = Path.GetFullPath(args[++i]);
                else if (args[i] == "--sizes" && i + 1 < args.Length) ScaleSizes = args[++i].Split(',').Select(int.Parse).ToArray();
            }
            if (PublishedCli != null && !File.Exists(PublishedCli))
            {
                Console.Error.WriteLine($"--published-cli: no file at {PublishedCli} (the published client's scripts/telnyx_api.py)");
                return 2;
            }
            Repo = FindRepo();
            var table = new Table();
            Console.Error.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");

            var key = "bench_" + Guid.NewGuid().ToString("N");
            await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = key, TimeScale = 600 });

            if (ImportShare)
            {
                ImportShareBench.Run(table, sandbox, key, Runs);
                table.Print(Console.Out);
                Console.WriteLine($"load average at the end {LoadAverage()}");
                return 0;
            }
            if (Scale)
            {
                ScaleBench.Run(table, sandbox, key, ScaleSizes);
                table.Print(Console.Out);
                Console.WriteLine($"load average at the end {LoadAverage()}");
                return 0;
            }
            if (Issue)
            {
                var exe = Publish();
                if (exe != null) IssueBench.Run(table, sandbox, key, Repo, exe, Runs, PublishedCli);
                table.Print(Console.Out);
                return exe == null ? 1 : 0;
            }
            if (Only == null)
            {
                ColdStart(table, sandbox, key);
                ImportInWarmHost(table);
                PerCmdlet(table, sandbox, key);
            }
            foreach (var extra in Sections.All) extra(table, sandbox, key, Runs);

            Console.WriteLine();
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; load average at the end {LoadAverage()}");
            Console.WriteLine();
            table.Print(Console.Out);
            return 0;
        }

        static string LoadAverage()
        {
            try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
            catch (IOException) { return "n/a"; }
        }

        static string FindRepo()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "ClawdTalk.PowerShell.sln"))) return d.FullName;
            throw new InvalidOperationException("run from inside the repository");
        }

        /// <summary>
        /// The host published as an agent gets it (ReadyToRun host and module, native launcher), one process per command:
        /// cold (CLAWDTALK_RESIDENT=off: the launcher executes the managed host) and through a running `clawdtalk --serve`.
        /// Both must print the same; the table says so.
        /// </summary>
        /// <summary>Publishes the host as an agent gets it (ReadyToRun, native launcher) unless --no-publish finds one; its `clawdtalk`.</summary>
        static string? Publish()
        {
            var rid = RuntimeInformation.RuntimeIdentifier;
            var dir = Path.Combine(Repo, "artifacts", Composite ? "bench-host-composite" : "bench-host");
            var exe = Path.Combine(dir, "clawdtalk");
            if (!NoPublish || !File.Exists(exe))
            {
                Console.Error.WriteLine($"publishing the host ReadyToRun{(Composite ? " (self-contained, composite)" : "")} with the native launcher …");
                var how = Composite ? "--self-contained true -p:PublishReadyToRunComposite=true" : "--self-contained false";
                var publish = Measure.Child(new ProcessStartInfo("dotnet", $"publish \"{Path.Combine(Repo, "src", "ClawdTalk.Host")}\" -c Release -r {rid} {how} -p:PublishReadyToRun=true -p:ClawdTalkLauncher=true -o \"{dir}\" --nologo -v q"));
                if (publish.exit != 0) { Console.Error.WriteLine(publish.stdout + publish.stderr); return null; }
            }
            return exe;
        }

        static void ColdStart(Table table, SandboxServer sandbox, string key)
        {
            var exe = Publish();
            if (exe == null) { table.Row("host cold start", "publish failed", "", ""); return; }
            var socketDir = Path.Combine(Path.GetTempPath(), "clawdtalk-bench-" + Environment.ProcessId);
            Directory.CreateDirectory(socketDir);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(socketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var socket = Path.Combine(socketDir, "host.sock");
            ProcessStartInfo Psi(string? command, bool resident, string control = "--serve")
            {
                var psi = new ProcessStartInfo(exe);
                if (command != null) { psi.ArgumentList.Add("-Command"); psi.ArgumentList.Add(command); }
                else psi.ArgumentList.Add(control);
                psi.Environment["CLAWDTALK_API_KEY"] = key; // the key travels in the environment (and over the user-only socket), never in arguments
                psi.Environment["CLAWDTALK_API_URL"] = sandbox.ApiBaseUri.AbsoluteUri;
                psi.Environment["CLAWDTALK_CONFIG"] = Path.Combine(socketDir, "none.json");
                psi.Environment["CLAWDTALK_HOST_SOCKET"] = socket;
                psi.Environment["CLAWDTALK_RESIDENT"] = resident ? null : "off";
                return psi;
            }

            foreach (var (label, command) in BenchCommands.Cold(sandbox, key))
            {
                var cold = Series(() => Psi(command, resident: false), Runs);
                if (cold == null) { table.Row($"cold start: {label}", "failed", "", ""); continue; }
                table.Row($"cold start: clawdtalk -Command \"{Short(command)}\"", $"{cold.Value.median:0} ms",
                    $"p90 {cold.Value.p90:0} ms (n={Runs}), CPU {cold.Value.cpu:0} ms, {cold.Value.median / PythonCliMs:0.00}x the Python CLI's {PythonCliMs:0} ms", $"{cold.Value.peak:0} MiB");

                using var server = Process.Start(WithRedirect(Psi(null, resident: true)))!;
                var up = WaitServing(() => Psi("$PID", resident: true), server.Id);
                if (!up) { table.Row($"resident: {label}", "server did not start", "", ""); server.Kill(); continue; }
                var resident = Series(() => Psi(command, resident: true), Runs * 2);
                var serverPeak = Measure.PeakOf(server.Id);
                var same = SameOutput(Psi(command, resident: false), Psi(command, resident: true));
                Measure.Child(Psi(null, resident: true, control: "--stop"));
                server.WaitForExit(10_000);
                if (resident == null) { table.Row($"resident: {label}", "failed", "", ""); continue; }
                table.Row($"resident (clawdtalk --serve): same command", $"{resident.Value.median:0.0} ms",
                    $"p90 {resident.Value.p90:0.0} ms (n={Runs * 2}), client CPU {resident.Value.cpu:0.0} ms, {resident.Value.median / ResidentTargetMs:0.00}x the {ResidentTargetMs:0} ms target, {cold.Value.median / resident.Value.median:0}x faster than cold",
                    $"client {resident.Value.peak:0} MiB, server {serverPeak:0} MiB", same ? "output, errors, exit code identical to cold" : "OUTPUT DIFFERS FROM COLD");
            }
            try { Directory.Delete(socketDir, true); } catch (IOException) { }
        }

        static ProcessStartInfo WithRedirect(ProcessStartInfo p) { p.RedirectStandardOutput = true; p.RedirectStandardError = true; p.UseShellExecute = false; return p; }

        static string Short(string s) => s.Length > 60 ? s.Substring(0, 57) + "…" : s;

        /// <summary>One warm-up run, then n measured runs: median and p90 wall time, median peak memory; null on a failure.</summary>
        static (double median, double p90, double peak, double cpu)? Series(Func<ProcessStartInfo> psi, int n)
        {
            var times = new List<double>(); var peaks = new List<double>(); var cpu = new List<double>();
            for (var i = 0; i < n + 1; i++)
            {
                var r = Measure.Child(psi());
                if (r.exit != 0) { Console.Error.WriteLine($"exit {r.exit}: {r.stderr}"); return null; }
                if (i == 0) continue; // the first run warms the disk cache
                times.Add(r.ms); cpu.Add(Measure.LastChildCpuMs); if (r.peakMiB > 0) peaks.Add(r.peakMiB);
            }
            return (Measure.Median(times), Measure.Percentile(times, 90), peaks.Count == 0 ? double.NaN : Measure.Median(peaks), Measure.Median(cpu));
        }

        static bool WaitServing(Func<ProcessStartInfo> pidProbe, int serverPid)
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                var r = Measure.Child(pidProbe());
                if (r.stdout.Trim() == serverPid.ToString()) return true;
                System.Threading.Thread.Sleep(200);
            }
            return false;
        }

        static bool SameOutput(ProcessStartInfo cold, ProcessStartInfo resident)
        {
            var a = Measure.Child(cold); var b = Measure.Child(resident);
            return a.exit == b.exit && a.stdout == b.stdout && a.stderr == b.stderr;
        }

        /// <summary>Import-Module of out/ClawdTalk/&lt;version&gt; in a host whose engine is already warm.</summary>
        static void ImportInWarmHost(Table table)
        {
            var manifest = ScriptSession.FindModule()!;
            var times = new List<double>();
            for (var i = 0; i < Runs + 2; i++)
            {
                using var rs = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                rs.Open();
                using var ps = PowerShell.Create();
                ps.Runspace = rs;
                ps.AddCommand("Import-Module").AddParameter("Name", manifest);
                var w = Stopwatch.StartNew();
                ps.Invoke();
                if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
                if (i >= 2) times.Add(w.Elapsed.TotalMilliseconds);
            }
            table.Row("Import-Module ClawdTalk (warm host)", $"{Measure.Median(times):0.0} ms",
                $"p90 {Measure.Percentile(times, 90):0.0} ms (n={times.Count}), {Measure.Median(times) / ImportTargetMs:0.00}x the {ImportTargetMs:0} ms target", $"{Measure.SelfPeakMiB():0} MiB (process)");
        }

        /// <summary>Per-cmdlet overhead against the sandbox: a cmdlet's median against a bare HttpClient request to the same endpoint.</summary>
        static void PerCmdlet(Table table, SandboxServer sandbox, string key)
        {
            using var session = BenchSession.Connected(sandbox, key);
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            foreach (var (label, script, rawMethod, rawPath, rawBody) in BenchCommands.PerCmdlet(session))
            {
                var cmd = new List<double>(); var raw = new List<double>();
                for (var i = 0; i < Runs * 4 + 3; i++)
                {
                    var w = Stopwatch.StartNew();
                    session.Invoke(script);
                    var t1 = w.Elapsed.TotalMilliseconds;
                    w.Restart();
                    var req = new HttpRequestMessage(new HttpMethod(rawMethod), sandbox.ApiBaseUri.AbsoluteUri.TrimEnd('/') + rawPath);
                    if (rawBody != null) req.Content = new StringContent(rawBody, System.Text.Encoding.UTF8, "application/json");
                    http.Send(req).Dispose();
                    var t2 = w.Elapsed.TotalMilliseconds;
                    if (i >= 3) { cmd.Add(t1); raw.Add(t2); }
                }
                var m = Measure.Median(cmd); var r = Measure.Median(raw);
                table.Row(label, $"{m:0.00} ms", $"bare HTTP {r:0.00} ms, overhead {m - r:0.00} ms", "");
            }
        }
    }

    /// <summary>A warm, connected runspace for in-process measurements.</summary>
    internal sealed class BenchSession : IDisposable
    {
        readonly Runspace _rs;
        BenchSession(Runspace rs) { _rs = rs; }

        public static BenchSession Connected(SandboxServer sandbox, string key)
        {
            var rs = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            rs.Open();
            var s = new BenchSession(rs);
            var secure = new SecureString();
            foreach (var c in key) secure.AppendChar(c);
            s.Invoke("param($m, $k, $u) Import-Module $m; Connect-ClawdTalk -ApiKey $k -Server $u", ScriptSession.FindModule(), secure, sandbox.BaseUri.AbsoluteUri);
            return s;
        }

        public List<PSObject> Invoke(string script, params object?[] args)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _rs;
            ps.AddScript(script);
            foreach (var a in args) ps.AddArgument(a);
            var result = ps.Invoke().ToList();
            if (ps.HadErrors) throw new InvalidOperationException(script + ": " + string.Join("; ", ps.Streams.Error));
            return result;
        }

        public void Dispose() => _rs.Dispose();
    }
}
