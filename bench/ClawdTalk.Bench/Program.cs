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

        public static async Task<int> Main(string[] args)
        {
            for (var i = 0; i < args.Length; i++)
                if (args[i] == "--runs" && i + 1 < args.Length) Runs = int.Parse(args[++i]);
            Repo = FindRepo();
            var table = new Table();
            Console.Error.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");

            var key = "bench_" + Guid.NewGuid().ToString("N");
            await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = key, TimeScale = 600 });

            ColdStart(table, sandbox, key);
            ImportInWarmHost(table);
            PerCmdlet(table, sandbox, key);
            foreach (var extra in Sections.All) extra(table, sandbox, key, Runs);

            Console.WriteLine();
            table.Print(Console.Out);
            return 0;
        }

        static string FindRepo()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "ClawdTalk.PowerShell.sln"))) return d.FullName;
            throw new InvalidOperationException("run from inside the repository");
        }

        /// <summary>The host published ReadyToRun, as an agent would run it: one process per command.</summary>
        static void ColdStart(Table table, SandboxServer sandbox, string key)
        {
            var rid = RuntimeInformation.RuntimeIdentifier;
            var dir = Path.Combine(Repo, "artifacts", "bench-host");
            Console.Error.WriteLine("publishing the host ReadyToRun …");
            var publish = Measure.Child(new ProcessStartInfo("dotnet", $"publish \"{Path.Combine(Repo, "src", "ClawdTalk.Host")}\" -c Release -r {rid} --self-contained false -p:PublishReadyToRun=true -o \"{dir}\" --nologo -v q"));
            if (publish.exit != 0) { Console.Error.WriteLine(publish.stdout + publish.stderr); table.Row("host cold start", "publish failed", "", ""); return; }
            var exe = Path.Combine(dir, "clawdtalk");
            foreach (var (label, command) in BenchCommands.Cold)
            {
                var times = new List<double>(); var peaks = new List<double>();
                for (var i = 0; i < Runs + 1; i++)
                {
                    var psi = new ProcessStartInfo(exe);
                    psi.ArgumentList.Add("-Command"); psi.ArgumentList.Add(command);
                    psi.Environment["CLAWDTALK_API_KEY"] = key; // the key travels in the environment, never in arguments
                    psi.Environment["CLAWDTALK_API_URL"] = sandbox.ApiBaseUri.AbsoluteUri;
                    psi.Environment["CLAWDTALK_CONFIG"] = Path.Combine(Path.GetTempPath(), "bench-none.json");
                    var r = Measure.Child(psi);
                    if (r.exit != 0) { Console.Error.WriteLine($"{label}: exit {r.exit}: {r.stderr}"); break; }
                    if (i == 0) continue; // the first run warms the disk cache
                    times.Add(r.ms); peaks.Add(r.peakMiB);
                }
                table.Row($"cold start: clawdtalk -Command \"{command}\"", $"{Measure.Median(times):0} ms", $"p90 {Measure.Percentile(times, 90):0} ms (n={times.Count})", $"{Measure.Median(peaks):0} MiB");
            }
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
            table.Row("Import-Module ClawdTalk (warm host)", $"{Measure.Median(times):0.0} ms", $"p90 {Measure.Percentile(times, 90):0.0} ms (n={times.Count})", $"{Measure.SelfPeakMiB():0} MiB (process)");
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
