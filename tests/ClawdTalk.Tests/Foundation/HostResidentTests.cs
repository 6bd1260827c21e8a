using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>
    /// `clawdtalk --serve` and the client path of `clawdtalk -Command/-File`, as real processes over a real Unix socket,
    /// against the sandbox: every run is made twice, through the resident server and cold, and must print the same.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class ResidentFixture : SandboxHarness
    {
        readonly StringBuilder _serverLog = new();
        Process? _server;

        public string SocketDir { get; } = Path.Combine(TestEnvironment.NewTempDir(), "run");
        public string SocketPath => Path.Combine(SocketDir, "host.sock");
        public int ServerPid => _server!.Id;
        public string ServerLog { get { lock (_serverLog) return _serverLog.ToString(); } }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            _server = HostResidentTests.Start(new[] { "--serve" }, new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = SocketPath, ["CLAWDTALK_RESIDENT"] = "trace", ["CLAWDTALK_RESIDENT_IDLE"] = "10m" });
            _server.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_serverLog) _serverLog.AppendLine(e.Data); };
            _server.OutputDataReceived += (_, e) => { };
            _server.BeginErrorReadLine();
            _server.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                var r = HostResidentTests.Run(this, new[] { "-Command", "$PID" }, resident: true);
                if (r.Stdout.Trim() == _server.Id.ToString()) return;
                if (_server.HasExited || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException("the resident server did not come up: " + ServerLog);
                await Task.Delay(200);
            }
        }

        public override async Task DisposeAsync()
        {
            if (_server != null && !_server.HasExited)
            {
                HostResidentTests.Run(this, new[] { "--stop" }, resident: true);
                if (!_server.WaitForExit(10_000)) _server.Kill();
            }
            await base.DisposeAsync();
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the named-pipe transport of Windows is not exercised here
    public class HostResidentTests : IClassFixture<ResidentFixture>
    {
        readonly ResidentFixture _f;
        public HostResidentTests(ResidentFixture f) { _f = f; }

        internal sealed record Result(int Code, string Stdout, string Stderr, bool Served);

        internal static Process Start(string[] args, IDictionary<string, string?> env, string? cwd = null)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["CLAWDTALK_MODULE"] = ModuleLocation.Manifest;
            foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
            if (cwd != null) psi.WorkingDirectory = cwd;
            var p = Process.Start(psi)!;
            p.StandardInput.Close();
            return p;
        }

        /// <summary>One clawdtalk run; resident runs are traced, and the trace lines are taken out of stderr.</summary>
        internal static Result Run(ResidentFixture f, string[] args, bool resident, IDictionary<string, string?>? env = null, string? cwd = null)
        {
            var all = new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = f.SocketPath, ["CLAWDTALK_RESIDENT"] = resident ? "manual,trace" : "off" }; // this class's server, never one started on demand
            foreach (var kv in env ?? new Dictionary<string, string?>()) all[kv.Key] = kv.Value;
            using var p = Start(args, all, cwd);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "clawdtalk did not exit");
            var lines = stderr.Result.Split('\n');
            var served = lines.Any(l => l.StartsWith("clawdtalk: resident: served by", StringComparison.Ordinal));
            var rest = string.Join("\n", lines.Where(l => !l.StartsWith("clawdtalk: resident:", StringComparison.Ordinal)));
            return new Result(p.ExitCode, stdout.Result, rest, served);
        }

        /// <summary>Runs through the server and cold; asserts the server ran it and both printed and returned the same.</summary>
        Result Both(string[] args, IDictionary<string, string?>? env = null, string? cwd = null)
        {
            var resident = Run(_f, args, resident: true, env, cwd);
            var cold = Run(_f, args, resident: false, env, cwd);
            Assert.True(resident.Served, "the resident server did not run it: " + resident.Stderr);
            Assert.False(cold.Served);
            Assert.Equal(cold.Code, resident.Code);
            Assert.Equal(cold.Stdout, resident.Stdout);
            Assert.Equal(cold.Stderr, resident.Stderr);
            return resident;
        }

        Dictionary<string, string?> Keyed(string? key = null) => new()
        {
            ["CLAWDTALK_API_KEY"] = key ?? _f.Key,
            ["CLAWDTALK_API_URL"] = _f.Server.ApiBaseUri.AbsoluteUri,
        };

        [Fact]
        public void Output_errors_and_exit_codes_are_the_same_resident_or_cold()
        {
            var listed = Both(new[] { "-NoProfile", "-Command", "Get-Command -Module ClawdTalk" });
            Assert.Equal(0, listed.Code);
            Assert.Contains("Test-ClawdTalkConnection", listed.Stdout);

            var thrown = Both(new[] { "-Command", "'before'; throw 'boom'; 'after'" });
            Assert.Equal(1, thrown.Code);
            Assert.Contains("boom", thrown.Stderr);
            Assert.DoesNotContain("after", thrown.Stdout);

            Assert.Equal(7, Both(new[] { "-Command", "exit 7" }).Code);

            var noKey = Both(new[] { "-Command", "Get-ClawdTalkMissionState -Slug no-such-mission; 'went on'" });
            Assert.Equal(0, noKey.Code); // like pwsh: the last statement succeeded
            Assert.Equal(1, Both(new[] { "-Command", "'first'; Get-ClawdTalkMissionState -Slug no-such-mission" }).Code);
            Assert.Contains("No mission with the slug 'no-such-mission'", noKey.Stderr);
            Assert.Contains("went on", noKey.Stdout);

            var streams = Both(new[] { "-Command", "& { [CmdletBinding()] param() $PSCmdlet.WriteWarning('careful'); $PSCmdlet.WriteVerbose('hidden') }; " +
                "Get-Command No-SuchThing; [pscustomobject]@{ Name = 'x'; Value = 1 }" });
            Assert.Equal(0, streams.Code); // the last statement succeeded, as pwsh counts it
            Assert.Contains("x        1", streams.Stdout);
            Assert.Contains("No-SuchThing", streams.Stderr);
            Assert.DoesNotContain("hidden", streams.Stdout + streams.Stderr);

            // a pooled session was primed with an empty statement before the command: nothing of it shows
            var automatic = Both(new[] { "-Command", "\"[$$] [$^] [$?] $((Get-History).Count) $($Error.Count) $($MyInvocation.HistoryId)\"; (Get-Module).Name -join ','" });
            Assert.Equal(0, automatic.Code);
            Assert.StartsWith("[] [] [True] 0 0 ", automatic.Stdout);
            Assert.Contains("ClawdTalk", automatic.Stdout);

            var parse = Both(new[] { "-Command", "'unterminated" });
            Assert.Equal(1, parse.Code);

            var ok = Both(new[] { "-Command", "(Test-ClawdTalkConnection).Status; (Test-ClawdTalkConnection -Quiet)" }, Keyed());
            Assert.Equal(0, ok.Code);
            Assert.Equal(new[] { "Ok", "True" }, ok.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            var script = Path.Combine(TestEnvironment.NewTempDir(), "s.ps1");
            File.WriteAllText(script, "param([string]$Name, [int]$Count, [switch]$Loud) \"$Name x$Count loud=$Loud\"");
            var file = Both(new[] { "-File", script, "-Name", "it's", "-Count", "3", "-Loud" });
            Assert.Equal(0, file.Code);
            Assert.Contains("it's x3 loud=True", file.Stdout);

            Assert.DoesNotContain(_f.Key, _f.ServerLog);
        }

        [Fact]
        public void Environment_and_working_directory_follow_the_client()
        {
            var good = Both(new[] { "-Command", "(Test-ClawdTalkConnection).Status" }, Keyed());
            Assert.Equal("Ok", good.Stdout.Trim());
            var bad = Both(new[] { "-Command", "(Test-ClawdTalkConnection).Status" }, Keyed(Keys.NewApiKey()));
            Assert.Equal("Unauthorized", bad.Stdout.Trim());

            var env = new Dictionary<string, string?> { ["OPENCLAW_GATEWAY_URL"] = "http://127.0.0.1:1/gw", ["CLAWDBOT_AGENT"] = "bot-7", ["CLAWDTALK_STATE"] = "/tmp/elsewhere.json" };
            var seen = Both(new[] { "-Command", "$env:OPENCLAW_GATEWAY_URL; $env:CLAWDBOT_AGENT; $env:CLAWDTALK_STATE" }, env);
            Assert.Equal(new[] { "http://127.0.0.1:1/gw", "bot-7", "/tmp/elsewhere.json" }, seen.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var gone = Both(new[] { "-Command", "$null -eq $env:CLAWDBOT_AGENT" });
            Assert.Equal("True", gone.Stdout.Trim());

            foreach (var dir in new[] { TestEnvironment.NewTempDir(), Path.Combine(TestEnvironment.NewTempDir(), "a [b] 'c'") })
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "here.ps1"), "'script ran'");
                var where = Both(new[] { "-Command", "$PWD.Path; [Environment]::CurrentDirectory; [IO.File]::Exists('here.ps1')" }, cwd: dir);
                Assert.Equal(new[] { dir, dir, "True" }, where.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                Assert.Contains("script ran", Both(new[] { "-File", "here.ps1" }, cwd: dir).Stdout);
            }
        }

        [Fact]
        public void Each_command_gets_a_fresh_session()
        {
            var first = Run(_f, new[] { "-Command", "$global:leak = 'x'; $env:CLAWDTALK_LEAK = 'y'; function Leak { 'z' }; " +
                "$k = [Security.SecureString]::new(); foreach ($c in $env:K.ToCharArray()) { $k.AppendChar($c) }; Connect-ClawdTalk -ApiKey $k -Server $env:U; (Test-ClawdTalkConnection).Status" },
                resident: true, new Dictionary<string, string?> { ["K"] = _f.Key, ["U"] = _f.Url });
            Assert.True(first.Served);
            Assert.Equal("Ok", first.Stdout.Trim());
            var second = Run(_f, new[] { "-Command", "$null -eq $global:leak; $null -eq $env:CLAWDTALK_LEAK; $null -eq (Get-Command Leak -ErrorAction SilentlyContinue); Test-ClawdTalkConnection -Quiet" }, resident: true);
            Assert.True(second.Served);
            // ... and the connection of the first command did not survive it: no key here
            Assert.Equal(new[] { "True", "True", "True", "False" }, second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        [Fact]
        public void Falls_back_to_a_cold_start_when_the_server_cannot_run_it()
        {
            // no server at all: a stale socket file that nobody listens on
            var dir = Path.Combine(TestEnvironment.NewTempDir(), "run");
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var stale = Path.Combine(dir, "host.sock");
            using (var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)) s.Bind(new UnixDomainSocketEndPoint(stale));
            var env = new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = stale, ["CLAWDTALK_RESIDENT"] = "manual,trace" };
            var cold = Run(_f, new[] { "-Command", "$PID; exit 5" }, resident: true, env);
            Assert.False(cold.Served);
            Assert.Equal(5, cold.Code);
            Assert.NotEqual(_f.ServerPid.ToString(), cold.Stdout.Trim());

            // a client whose start-up environment (culture) differs from the server's is sent back to start cold
            var other = Run(_f, new[] { "-Command", "$PID" }, resident: true, new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" });
            Assert.False(other.Served);
            Assert.Equal(0, other.Code);
            Assert.NotEqual(_f.ServerPid.ToString(), other.Stdout.Trim());

            // --cold and CLAWDTALK_RESIDENT=off never use it
            Assert.NotEqual(_f.ServerPid.ToString(), Run(_f, new[] { "--cold", "-Command", "$PID" }, resident: true).Stdout.Trim());
            var back = Run(_f, new[] { "-Command", "$PID" }, resident: true);
            Assert.True(_f.ServerPid.ToString() == back.Stdout.Trim(), back.Stderr + "\n" + _f.ServerLog);
        }

        [Fact]
        public async Task The_socket_is_the_users_alone()
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_f.SocketDir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_f.SocketPath));

            // a folder others can enter is refused, and a second server does not take over a running one
            var open = Path.Combine(TestEnvironment.NewTempDir(), "open");
            Directory.CreateDirectory(open);
            File.SetUnixFileMode(open, (UnixFileMode)Convert.ToInt32("755", 8));
            using (var refused = Start(new[] { "--serve" }, new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = Path.Combine(open, "host.sock") }))
            {
                var err = refused.StandardError.ReadToEndAsync();
                Assert.True(refused.WaitForExit(120_000));
                Assert.Equal(1, refused.ExitCode);
                Assert.Contains("accessible to other users", await err);
                Assert.False(File.Exists(Path.Combine(open, "host.sock")));
            }
            using (var second = Start(new[] { "--serve" }, new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = _f.SocketPath }))
            {
                var err = second.StandardError.ReadToEndAsync();
                Assert.True(second.WaitForExit(120_000));
                Assert.Equal(1, second.ExitCode);
                Assert.Contains("already answers", await err);
            }
            Assert.Equal(_f.ServerPid.ToString(), Run(_f, new[] { "-Command", "$PID" }, resident: true).Stdout.Trim());

            // the key reached the server only over the socket: not in its command line, not in anything it printed
            var cmdline = File.ReadAllText($"/proc/{_f.ServerPid}/cmdline");
            Assert.DoesNotContain(_f.Key, cmdline);
            Assert.DoesNotContain(_f.Key, _f.ServerLog);
        }

        [Fact]
        public async Task Concurrent_writers_through_the_server_and_cold_keep_every_change()
        {
            var config = Path.Combine(TestEnvironment.NewTempDir(), "skill-config.json");
            var keys = new[] { "OwnerName", "AgentName", "Greeting", "AgentId" };
            var runs = keys.Select((k, i) => Task.Run(() => Run(_f, new[] { "-Command",
                $"foreach ($n in 1..8) {{ Set-ClawdTalkConfiguration -Path $env:CFG -{k} \"{k.ToLowerInvariant()}$n\" }}" },
                resident: i < 3, new Dictionary<string, string?> { ["CFG"] = config }))).ToArray();
            var results = await Task.WhenAll(runs);
            foreach (var r in results) Assert.True(r.Code == 0, r.Stderr);
            Assert.True(results.Take(3).Count(r => r.Served) >= 2, "the server ran fewer than two of the writers");
            var json = JObject.Parse(File.ReadAllText(config));
            Assert.Equal("ownername8", (string?)json["owner_name"]);
            Assert.Equal("agentname8", (string?)json["agent_name"]);
            Assert.Equal("greeting8", (string?)json["greeting"]);
            Assert.Equal("agentid8", (string?)json["agent_id"]);
        }

        [Fact]
        public void A_client_that_goes_away_stops_its_command()
        {
            var marker = "loop-" + Guid.NewGuid().ToString("N")[..8];
            using var p = Start(new[] { "-Command", $"'{marker}'; while ($true) {{ [Threading.Thread]::Sleep(20) }}" },
                new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = _f.SocketPath, ["CLAWDTALK_RESIDENT"] = "manual,trace" });
            var first = p.StandardOutput.ReadLine();
            Assert.Equal(marker, first);
            p.Kill();
            p.WaitForExit(10_000);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!_f.ServerLog.Contains("(client gone)") && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.Contains("(client gone)", _f.ServerLog);
            Assert.Equal(_f.ServerPid.ToString(), Run(_f, new[] { "-Command", "$PID" }, resident: true).Stdout.Trim());
        }
    }
}

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>
    /// The resident server that starts itself: the first `clawdtalk -Command` that finds none starts one in the background
    /// (on a private temp socket, never the user's) and is served by it; racing commands start one; it exits after its idle
    /// period, when the module changes and on --stop; --cold and CLAWDTALK_RESIDENT=off never start one.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public class HostAutoStartTests : IClassFixture<SandboxFixture>
    {
        readonly SandboxFixture _f;
        public HostAutoStartTests(SandboxFixture f) { _f = f; }

        sealed record Run(int Code, string Stdout, string Stderr, bool Served, bool Started);

        static string NewSocket() => Path.Combine(TestEnvironment.NewTempDir(), "run", "host.sock");

        static Run Exec(string socket, string[] args, string resident = "trace", string idle = "30s", IDictionary<string, string?>? env = null)
        {
            var all = new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = socket, ["CLAWDTALK_RESIDENT"] = resident, ["CLAWDTALK_RESIDENT_IDLE"] = idle };
            foreach (var kv in env ?? new Dictionary<string, string?>()) all[kv.Key] = kv.Value;
            using var p = HostResidentTests.Start(args, all);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "clawdtalk did not exit (is a started server holding its output?)");
            var lines = stderr.Result.Split('\n');
            var served = lines.Any(l => l.StartsWith("clawdtalk: resident: served by", StringComparison.Ordinal));
            var started = lines.Any(l => l.StartsWith("clawdtalk: resident: started a resident server", StringComparison.Ordinal));
            var rest = string.Join("\n", lines.Where(l => !l.StartsWith("clawdtalk: resident:", StringComparison.Ordinal)));
            return new Run(p.ExitCode, stdout.Result, rest, served, started);
        }

        static void Stop(string socket)
        {
            if (File.Exists(socket)) Exec(socket, new[] { "--stop" });
        }

        static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

        static void WaitGone(int pid, string socket, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while ((Alive(pid) || File.Exists(socket)) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        }

        Dictionary<string, string?> Keyed() => new() { ["CLAWDTALK_API_KEY"] = _f.Key, ["CLAWDTALK_API_URL"] = _f.Server.ApiBaseUri.AbsoluteUri };

        [Fact]
        public void The_first_command_starts_a_server_that_serves_it_and_the_next_ones_and_exits_when_idle()
        {
            var socket = NewSocket();
            try
            {
                var cold = Exec(socket, new[] { "-Command", "'hello'; 'x'; Write-Error 'oops'; exit 3" }, resident: "off");
                Assert.False(File.Exists(socket));
                var first = Exec(socket, new[] { "-Command", "'hello'; $PID; Write-Error 'oops'; exit 3" }, idle: "10s");
                Assert.True(first.Started, first.Stderr);
                Assert.True(first.Served, first.Stderr);
                Assert.Equal(3, first.Code);
                var pid = int.Parse(first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
                Assert.True(Alive(pid));

                // byte-identical to a cold run, the first (starting) command included
                var served = Exec(socket, new[] { "-Command", "'hello'; 'x'; Write-Error 'oops'; exit 3" }, idle: "10s");
                Assert.True(served.Served && !served.Started, served.Stderr);
                Assert.False(cold.Served);
                Assert.Equal(cold.Code, served.Code);
                Assert.Equal(cold.Stdout, served.Stdout);
                Assert.Equal(cold.Stderr, served.Stderr);
                Assert.Equal(first.Stderr, served.Stderr);

                var read = Exec(socket, new[] { "-Command", "(Test-ClawdTalkConnection).Status; $PID" }, idle: "10s", env: Keyed());
                Assert.True(read.Served);
                Assert.Equal(new[] { "Ok", pid.ToString() }, read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

                // nothing runs: it exits after its idle period and takes its socket with it
                WaitGone(pid, socket, TimeSpan.FromSeconds(60));
                Assert.False(Alive(pid), "the server outlived its idle period");
                Assert.False(File.Exists(socket));
                Assert.Contains("exits: idle", File.ReadAllText(Path.Combine(Path.GetDirectoryName(socket)!, "host.log")));
                Assert.DoesNotContain(_f.Key, File.ReadAllText(Path.Combine(Path.GetDirectoryName(socket)!, "host.log")));
            }
            finally { Stop(socket); }
        }

        [Fact]
        public async Task Commands_racing_to_start_a_server_start_exactly_one()
        {
            var socket = NewSocket();
            try
            {
                var runs = Enumerable.Range(0, 4).Select(i => Task.Run(() => Exec(socket, new[] { "-Command", $"'run{i}'; $PID" }))).ToArray();
                var results = await Task.WhenAll(runs);
                foreach (var r in results) Assert.True(r.Code == 0 && r.Served, r.Stderr);
                Assert.Equal(1, results.Count(r => r.Started));
                var pids = results.Select(r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim()).Distinct().ToArray();
                Assert.Single(pids);

                // --stop ends it
                var pid = int.Parse(pids[0]);
                Assert.Equal(0, Exec(socket, new[] { "--stop" }).Code);
                WaitGone(pid, socket, TimeSpan.FromSeconds(30));
                Assert.False(Alive(pid));
            }
            finally { Stop(socket); }
        }

        [Fact]
        public void A_changed_module_retires_the_server_and_cold_paths_start_none()
        {
            var module = Path.Combine(TestEnvironment.NewTempDir(), "ClawdTalk");
            foreach (var f in Directory.GetFiles(ModuleLocation.ModuleFolder, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(module, Path.GetRelativePath(ModuleLocation.ModuleFolder, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to);
            }
            var env = new Dictionary<string, string?> { ["CLAWDTALK_MODULE"] = Path.Combine(module, "ClawdTalk.psd1") };
            var socket = NewSocket();
            try
            {
                // --cold and CLAWDTALK_RESIDENT=off run in-process and start nothing
                Assert.Equal("1", Exec(socket, new[] { "--cold", "-Command", "1" }, env: env).Stdout.Trim());
                Assert.Equal("2", Exec(socket, new[] { "-Command", "2" }, resident: "off", env: env).Stdout.Trim());
                Assert.False(File.Exists(socket));

                var first = Exec(socket, new[] { "-Command", "$PID" }, env: env);
                Assert.True(first.Served && first.Started, first.Stderr);
                var pid = int.Parse(first.Stdout.Trim());
                File.SetLastWriteTimeUtc(Path.Combine(module, "ClawdTalk.psm1"), DateTime.UtcNow.AddMinutes(1));
                var next = Exec(socket, new[] { "-Command", "$PID" }, env: env);
                Assert.True(next.Served && next.Started, next.Stderr);
                Assert.NotEqual(pid.ToString(), next.Stdout.Trim());
                WaitGone(pid, "/nonexistent", TimeSpan.FromSeconds(30));
                Assert.False(Alive(pid), "the server of the old module did not exit");
            }
            finally { Stop(socket); }
        }
    }
}
