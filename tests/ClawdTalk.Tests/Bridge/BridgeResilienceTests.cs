using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The connection under stress, against the sandbox: forced drops during a stream of requests, a duplicate client,
    /// a rejected key, a dead connection, 429 on connect, the foreground mode and the log file.
    /// </summary>
    public class BridgeResilienceTests : IClassFixture<BridgeSandbox>, IDisposable
    {
        readonly BridgeSandbox _fx;
        readonly PsSession _ps;

        public BridgeResilienceTests(BridgeSandbox fx)
        {
            _fx = fx;
            _fx.Reset();
            _ps = fx.NewSession();
        }

        public void Dispose()
        {
            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge; Get-Job | Remove-Job -Force");
            _ps.Dispose();
        }

        BridgeJob Start(string extra = "")
        {
            var job = _ps.Run(BridgeSandbox.Start(extra), _fx.Vars()).Ok().Single<BridgeJob>();
            _fx.WaitAuthenticated();
            return job;
        }

        List<BridgeLogRecord> Records() => _ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>();

        [Fact]
        public void Every_request_delivered_is_answered_through_20_forced_drops_and_reconnects_are_jittered()
        {
            var job = Start("-StablePeriod 00:00:00.500 -MaxReconnectDelay 00:00:00.300");
            _fx.Control("gateway", new { delay_ms = 40 }); // answers are in flight when the connection drops
            var delivered = new Dictionary<string, int>();
            var drops = 0;
            for (var i = 1; i <= 200; i++)
            {
                var r = _fx.Control("calls/inbound", new { query = $"request {i}", hang_up_after = false });
                if ((bool)r["delivered"]!) delivered[(string)r["request_id"]!] = i;
                if (i % 10 == 0)
                {
                    if ((bool)_fx.Control("ws/drop", new { code = i % 20 == 0 ? 1012 : 1011 })["dropped"]!) drops++;
                    BridgeSandbox.WaitUntil(() => (bool)_fx.WsStatus()["connected"]!, "the bridge back after a drop");
                }
            }
            Assert.Equal(20, drops);
            Assert.Equal(200, delivered.Count);
            foreach (var (id, i) in delivered)
                Assert.Equal($"Sandbox agent reply to: request {i}", (string?)_fx.WaitAnswered(id, 30)["result"]);

            var status = job.Status;
            Assert.True(status.ReconnectCount >= 20, $"{status.ReconnectCount} reconnects");
            var delays = Records().Where(r => r.Event == "reconnect_scheduled").Select(r => (Nominal: Convert.ToDouble(r.Data!["nominal_ms"]), Delay: Convert.ToDouble(r.Data!["delay_ms"]))).ToList();
            Assert.True(delays.Count >= 20, $"{delays.Count} reconnect records");
            Assert.All(delays, d => Assert.InRange(d.Delay, Math.Floor(d.Nominal * 0.8), Math.Min(Math.Ceiling(d.Nominal * 1.2), 300)));
            Assert.Contains(delays, d => d.Nominal > 50); // backoff grew while the drops came faster than the stable period
            Assert.True(delays.Select(d => d.Delay).Distinct().Count() >= 5, "reconnect delays are not jittered: " + string.Join(", ", delays.Select(d => d.Delay)));
        }

        static async Task<ClientWebSocket> Impostor(BridgeSandbox fx)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri(fx.Url.Replace("http://", "ws://") + "/ws"), CancellationToken.None);
            await ws.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"auth\",\"api_key\":\"" + fx.Key + "\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Contains("auth_ok", Encoding.UTF8.GetString(buffer, 0, r.Count));
            return ws;
        }

        [Fact]
        public async Task Three_4000_closes_in_a_row_stop_the_bridge_instead_of_fighting_a_duplicate()
        {
            var job = Start();
            var impostors = new List<ClientWebSocket>();
            for (var k = 1; k <= 3; k++)
            {
                impostors.Add(await Impostor(_fx)); // takes over: the sandbox closes the bridge with 4000
                if (k < 3) _fx.WaitAuthenticated(2 * k + 1); // ... and the bridge takes it back
            }
            BridgeSandbox.WaitUntil(() => job.JobStateInfo.State == JobState.Failed, "the job to fail");
            var r = _ps.Run("Receive-Job $job -Keep");
            var error = r.Error("BridgeDuplicateClient", ErrorCategory.ResourceExists);
            Assert.Contains("4000", error.ErrorDetails.Message);
            var status = _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>();
            Assert.Equal(BridgeState.Stopped, status.State);
            Assert.Equal("BridgeDuplicateClient", status.LastErrorId);
            Assert.Equal(2, r.Objects<BridgeLogRecord>().Count(x => x.Event == "replaced"));
            // its connection loop has ended once it lets go of the one-bridge lock: nothing can come back after that
            BridgeSandbox.WaitUntil(() => !BridgeSandbox.LockHeld(_fx.Key), "the bridge to let go of its lock");
            Assert.Equal(6, (int)_fx.WsStatus()["auth_count"]!); // it did not come back a fourth time
            foreach (var ws in impostors) ws.Dispose();

            Start(); // the lock was released: a bridge can start again
        }

        [Fact]
        public void Auth_error_stops_the_bridge_without_reconnecting()
        {
            var wrong = Keys.NewApiKey();
            _ps.Secret(wrong);
            var job = _ps.Run(BridgeSandbox.Start(), _fx.Vars(("key", SecureStrings.From(wrong)))).Ok().Single<BridgeJob>();
            BridgeSandbox.WaitUntil(() => job.JobStateInfo.State == JobState.Failed, "the job to fail");
            var error = _ps.Run("Receive-Job $job -Keep").Error("BridgeAuthFailed", ErrorCategory.AuthenticationError);
            Assert.Contains("Invalid API key", error.ErrorDetails.Message);
            BridgeSandbox.WaitUntil(() => !BridgeSandbox.LockHeld(wrong), "the bridge to let go of its lock");
            Assert.Equal(1, (int)_fx.WsStatus()["auth_failures"]!);
            Assert.Equal(BridgeState.Stopped, _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>().State);
            BridgeSandbox.ForgetLock(wrong);
        }

        [Fact]
        public void In_the_foreground_a_rejected_key_ends_with_a_terminating_error_for_the_service_manager()
        {
            var wrong = Keys.NewApiKey();
            _ps.Secret(wrong);
            var r = _ps.Run(BridgeSandbox.Start("-Wait"), _fx.Vars(("key", SecureStrings.From(wrong))));
            Assert.Contains("Invalid API key", r.Error("BridgeAuthFailed", ErrorCategory.AuthenticationError).ErrorDetails.Message); // statement-terminating: pwsh -Command exits 1
            Start(); // and its lock is gone
            BridgeSandbox.ForgetLock(wrong);
        }

        [Fact]
        public void A_dead_connection_is_noticed_and_replaced()
        {
            using var proxy = new FreezableProxy(_fx.Server.BaseUri.Port);
            var job = _ps.Run(BridgeSandbox.Start("-KeepAliveInterval 00:00:00.200 -KeepAliveTimeout 00:00:00.400"), _fx.Vars(("url", proxy.Url))).Ok().Single<BridgeJob>();
            _fx.WaitAuthenticated();
            BridgeSandbox.WaitUntil(() => _fx.ClientFrames("ping").Count >= 2, "keep-alive pings");
            proxy.FreezeAll(); // the path goes silent: no close, no reset
            _fx.WaitAuthenticated(2);
            var (_, id) = _fx.Ask("are you still there");
            Assert.Equal("Sandbox agent reply to: are you still there", (string?)_fx.WaitAnswered(id)["result"]);
            Assert.Equal(1, job.Status.ReconnectCount);
            Assert.Contains(Records(), r => r.Event == "reconnect_scheduled");
        }

        [Fact]
        public async Task The_bridge_s_own_watchdog_notices_a_silent_connection_without_the_runtime_keep_alive()
        {
            using var proxy = new FreezableProxy(_fx.Server.BaseUri.Port);
            var o = new ClawdTalk.Bridge.BridgeOptions
            {
                Name = "watchdog", WebSocketUri = new Uri(proxy.Url.Replace("http://", "ws://") + "/ws"), ApiKey = _fx.Key,
                GatewayUrl = new Uri(_fx.GatewayUrl + "/"), GatewayToken = _fx.GatewayToken, AgentId = "tester",
                KeepAliveInterval = TimeSpan.FromMilliseconds(200), KeepAliveTimeout = TimeSpan.FromMilliseconds(400), RuntimeKeepAlive = false,
                ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            };
            var records = new System.Collections.Concurrent.ConcurrentQueue<BridgeLogRecord>();
            var log = new ClawdTalk.Bridge.BridgeLogger("watchdog", true, false, _fx.Key, _fx.GatewayToken) { Observer = records.Enqueue };
            var api = new ClawdTalk.Api.ApiClient(new ClawdTalk.Api.ClawdTalkConnection(new Uri(_fx.Url + "/v1/"), _fx.Key, "test"));
            var runner = new ClawdTalk.Bridge.BridgeRunner(o, api, log);
            _ = runner.Start();
            try
            {
                _fx.WaitAuthenticated();
                BridgeSandbox.WaitUntil(() => _fx.ClientFrames("ping").Count >= 2, "keep-alive pings answered");
                proxy.FreezeAll();
                _fx.WaitAuthenticated(2);
                var watchdog = Assert.Single(records, r => r.Event == "watchdog");
                Assert.Equal(BridgeLogLevel.Warning, watchdog.Level);
                Assert.Contains("No frame or pong", watchdog.Message);
                var (_, id) = _fx.Ask("back again");
                _fx.WaitAnswered(id);
            }
            finally
            {
                await runner.StopAsync();
            }
            Assert.Equal(BridgeState.Stopped, runner.State);
            Assert.All(records, r => Assert.DoesNotContain(_fx.Key, r.Message));
        }

        [Fact]
        public void A_429_on_connect_waits_the_rate_limit_delay_not_the_backoff()
        {
            using var server = new ScriptedServer { Fallback = new ScriptedServer.Reply(404, "{\"error\":\"no websocket here\"}") };
            server.Then(new ScriptedServer.Reply(429, "{\"error\":\"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "60" }));
            var job = _ps.Run(BridgeSandbox.Start("-RateLimitDelay 00:00:00.300"), _fx.Vars(("url", server.Url))).Ok().Single<BridgeJob>();
            BridgeSandbox.WaitUntil(() => Records().Count(r => r.Event == "reconnect_scheduled") >= 2, "two reconnects");
            var scheduled = Records().Where(r => r.Event == "reconnect_scheduled").ToList();
            Assert.True((bool)scheduled[0].Data!["rate_limited"]!);
            Assert.Equal(300.0, Convert.ToDouble(scheduled[0].Data!["delay_ms"]));
            Assert.False((bool)scheduled[1].Data!["rate_limited"]!);
            Assert.InRange(Convert.ToDouble(scheduled[1].Data!["delay_ms"]), 40, 60);
            Assert.Contains(Records(), r => r.ErrorId == "BridgeRateLimited");
            Assert.All(server.Requests.Take(2), q => Assert.Equal("/ws", q.Path));
            Assert.True(server.Requests.First().Headers.ContainsKey("Sec-WebSocket-Key"));
        }

        static bool HasVerbose(PSDataStreams streams, string text)
        {
            var verbose = streams.Verbose;
            for (var i = 0; i < verbose.Count; i++) if (verbose[i].Message.Contains(text, StringComparison.Ordinal)) return true;
            return false;
        }

        [Fact]
        public async Task Wait_runs_in_the_foreground_until_ctrl_c_and_releases_the_lock()
        {
            var asker = Task.Run(() =>
            {
                _fx.WaitAuthenticated();
                return _fx.Ask("a question in the foreground");
            });
            // pressed once the answer to the question asked during the foreground run is written (its verbose line follows
            // the record on the pipeline)
            var r = _ps.RunAndStop(BridgeSandbox.Start("-Wait -Verbose -OutVariable fg"), streams => HasVerbose(streams, "deep_tool_result"), TimeSpan.FromSeconds(60), _fx.Vars());
            Assert.True(asker.IsCompleted);
            var asked = await asker;
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(8), $"Ctrl+C took {r.StopDuration}");
            var records = _ps.Run("$fg").Objects<BridgeLogRecord>(); // what the stopped pipeline wrote before Ctrl+C
            Assert.Contains(records, x => x.Event == "authenticated");
            Assert.True(records.Any(x => x.Event == "deep_tool_result" && x.RequestId == asked.RequestId && x.DurationMs > 0),
                "records: " + string.Join(", ", records.Select(x => x.Event + "/" + x.RequestId)) + " asked " + asked.RequestId);
            Assert.Contains(r.Verbose, v => v.Contains("frame_sent"));
            Assert.Equal("Sandbox agent reply to: a question in the foreground", (string?)_fx.WaitAnswered(asked.RequestId)["result"]);
            BridgeSandbox.WaitUntil(() => !(bool)_fx.WsStatus()["connected"]!, "the connection closed");
            Start(); // the lock was released
        }

        [Fact]
        public void The_log_file_holds_records_without_secrets_and_bodies_only_with_debug()
        {
            var dir = TestEnvironment.NewTempDir();
            var plain = Path.Combine(dir, "bridge.log");
            Start($"-LogPath '{plain}'");
            var (_, id) = _fx.Ask("my private plans for tomorrow");
            _fx.WaitAnswered(id);
            _ps.Run("Stop-ClawdTalkBridge; Remove-Job $job").Ok();
            var text = File.ReadAllText(plain);
            var lines = File.ReadAllLines(plain).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Contains(lines, l => (string?)l["event"] == "deep_tool_result" && (string?)l["request_id"] == id && (double)l["duration_ms"]! > 0);
            Assert.DoesNotContain(_fx.Key, text);
            Assert.DoesNotContain(_fx.GatewayToken, text);
            Assert.DoesNotContain("private plans", text);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(plain));

            var debug = Path.Combine(dir, "debug.log");
            Start($"-LogPath '{debug}' -Debug");
            var (_, id2) = _fx.Ask("my private plans for friday");
            _fx.WaitAnswered(id2);
            _ps.Run("Stop-ClawdTalkBridge").Ok();
            var debugText = File.ReadAllText(debug);
            Assert.Contains("my private plans for friday", debugText);
            Assert.DoesNotContain(_fx.Key, debugText);
            Assert.DoesNotContain(_fx.GatewayToken, debugText);
        }
    }
}
