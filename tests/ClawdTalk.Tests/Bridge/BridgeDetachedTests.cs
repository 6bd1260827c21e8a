using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ClawdTalk.Bridge;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Missions;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// A bridge that outlives the session that started it, over real processes: `clawdtalk -Command` starts it with
    /// -Detached and exits; the bridge keeps answering deep-tool requests from the sandbox; other processes see it
    /// (Get-ClawdTalkBridge, Get-ClawdTalkStatus), restart it (a new process answers) and stop it.
    /// </summary>
    public class BridgeDetachedTests : IClassFixture<BridgeSandbox>, IDisposable
    {
        readonly BridgeSandbox _fx;
        readonly string _state;
        readonly string _hash;

        public BridgeDetachedTests(BridgeSandbox fx)
        {
            _fx = fx;
            _fx.Reset();
            _state = Path.Combine(TestEnvironment.NewTempDir(), "missions_state.json");
            _hash = BridgeLock.KeyHash(fx.Key);
        }

        public void Dispose()
        {
            // never leave a bridge behind: end whatever process still holds this key's lock
            if (BridgeFiles.ReadStatus(_hash) is { } f && BridgeFiles.IsHeld(_hash) && ClawdTalk.Api.Json.Int(f, "pid") is int pid)
                try { using var p = Process.GetProcessById(pid); p.Kill(); p.WaitForExit(10000); } catch (ArgumentException) { }
        }

        Dictionary<string, string> Env() => new()
        {
            ["CLAWDTALK_API_KEY"] = _fx.Key, ["CLAWDTALK_API_URL"] = _fx.Url + "/v1/", ["OPENCLAW_GATEWAY_TOKEN"] = _fx.GatewayToken,
        };

        (int code, string stdout, string stderr) Host(string script)
        {
            using var p = HostProcess.Start(script, _state, Env());
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "the host process did not finish: " + script);
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        int BridgePid() => ClawdTalk.Api.Json.Int(BridgeFiles.ReadStatus(_hash), "pid") ?? 0;

        string Diagnostics() =>
            File.ReadAllText(BridgeFiles.Status(_hash)) + "\n" + string.Join("\n", BridgeFiles.Tail(BridgeFiles.Console(_hash), 20)) + "\n" + string.Join("\n", BridgeFiles.Tail(BridgeFiles.DefaultLog(_hash), 20));

        static bool Alive(int pid)
        {
            try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
            catch (ArgumentException) { return false; }
        }

        [Fact]
        public void A_detached_bridge_answers_after_its_starter_exits_and_other_processes_see_restart_and_stop_it()
        {
            var exe = Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll");
            // the starter: a separate process that starts the bridge detached and exits
            var start = Host($"$s = Start-ClawdTalkBridge -Detached -Executable '{exe}' -Name det -GatewayUrl '{_fx.GatewayUrl}' -AgentId tester " +
                             "-ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400; \"pid=$($s.ProcessId) state=$($s.State) mode=$($s.Mode)\"");
            Assert.True(start.code == 0, start.stdout + start.stderr);
            Assert.Matches(@"pid=\d+ state=(Authenticated|Connecting) mode=Detached", start.stdout);
            var first = BridgePid();
            Assert.True(Alive(first), "the detached bridge is not running: " + Diagnostics());
            // secrets never on its command line
            var cmdline = File.ReadAllText($"/proc/{first}/cmdline").Replace('\0', ' ');
            Assert.DoesNotContain(_fx.Key, cmdline);
            Assert.DoesNotContain(_fx.GatewayToken, cmdline);
            Assert.Contains("Start-ClawdTalkBridge -Wait", cmdline);

            // the starter has exited; the bridge answers
            _fx.WaitAuthenticated();
            var (_, id) = _fx.Ask("what is on my calendar");
            Assert.Equal("Sandbox agent reply to: what is on my calendar", (string?)_fx.WaitAnswered(id, 30)["result"]);

            // another process sees it, with its counters and log lines
            BridgeSandbox.WaitUntil(() => (BridgeFiles.ReadStatus(_hash)?["requests_answered"]?.ToString() ?? "0") != "0", "the status file counts the answer", 10);
            var seen = Host("Get-ClawdTalkBridge | ForEach-Object { \"name=$($_.Name) state=$($_.State) mode=$($_.Mode) pid=$($_.ProcessId) answered=$($_.RequestsAnswered) up=$($_.Uptime.TotalSeconds -gt 0)\"; $_.LogTail }");
            Assert.True(seen.code == 0, seen.stderr);
            Assert.Contains($"name=det state=Authenticated mode=Detached pid={first} answered=1 up=True", seen.stdout);
            Assert.Contains("deep_tool_result", seen.stdout);
            var status = Host("$r = Get-ClawdTalkStatus -Offline; \"bridge=$($r.BridgeState)\"; $r.BridgeDetail; $r.BridgeLog; " +
                              "$r.Bridges | ForEach-Object { \"running=$($_.Name) mode=$($_.Mode) gateway=$($_.GatewayUrl) state=$($_.GatewayState)\" }");
            Assert.Contains("bridge=RunningElsewhere", status.stdout);
            Assert.Contains("runs detached", status.stdout);
            // the gateway the detached bridge uses, not the default one
            Assert.Contains($"running=det mode=Detached gateway={_fx.GatewayUrl}/ state=Ready", status.stdout);
            Assert.Contains($"gateway {_fx.GatewayUrl}/ (Ready)", status.stdout);
            Assert.DoesNotContain(_fx.Key, seen.stdout + status.stdout + File.ReadAllText(BridgeFiles.DefaultLog(_hash)) + File.ReadAllText(BridgeFiles.Status(_hash)));

            // a second process restarts it: a new process answers
            var restart = Host("Restart-ClawdTalkBridge -Name det -Confirm:$false | ForEach-Object { \"pid=$($_.ProcessId) state=$($_.State)\" }");
            Assert.True(restart.code == 0, restart.stdout + restart.stderr);
            var second = BridgePid();
            Assert.NotEqual(first, second);
            Assert.Contains($"pid={second} state=Authenticated", restart.stdout);
            BridgeSandbox.WaitUntil(() => !Alive(first), "the first bridge process exited", 20);
            _fx.WaitAuthenticated(2);
            var (_, again) = _fx.Ask("and tomorrow");
            Assert.Equal("Sandbox agent reply to: and tomorrow", (string?)_fx.WaitAnswered(again, 30)["result"]);

            // and another stops it
            var stop = Host("Stop-ClawdTalkBridge -Name det -Confirm:$false -PassThru | ForEach-Object { \"state=$($_.State)\" }");
            Assert.True(stop.code == 0, stop.stdout + stop.stderr);
            Assert.Contains("state=Stopped", stop.stdout);
            Assert.False(BridgeFiles.IsHeld(_hash));
            BridgeSandbox.WaitUntil(() => !Alive(second), "the bridge process exited", 20);
            BridgeSandbox.WaitUntil(() => !(bool)_fx.WsStatus()["connected"]!, "the sandbox sees the bridge gone");
            var after = Host("Get-ClawdTalkBridge -IncludeStopped | ForEach-Object { \"state=$($_.State) mode=$($_.Mode)\" }");
            Assert.Contains("state=Stopped mode=Detached", after.stdout);
        }
    }
}
