using System;
using System.IO;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The bridge's options come from the configuration file and the environment in the contract's order, with
    /// parameters on top. These tests write the shared config file and environment variables, so they run alone.
    /// </summary>
    [Collection("Environment")]
    public class BridgeConfigurationTests : IClassFixture<BridgeSandbox>, IDisposable
    {
        readonly BridgeSandbox _fx;
        readonly PsSession _ps;
        readonly string _config = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG")!;

        public BridgeConfigurationTests(BridgeSandbox fx)
        {
            _fx = fx;
            _fx.Reset();
            _ps = fx.NewSession();
        }

        public void Dispose()
        {
            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge; Get-Job | Remove-Job -Force");
            _ps.Dispose();
            if (File.Exists(_config)) File.Delete(_config);
            foreach (var v in new[] { "OPENCLAW_GATEWAY_URL", "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_URL", "CLAWDBOT_GATEWAY_TOKEN", "BRIDGE_TEST_TOKEN" })
                Environment.SetEnvironmentVariable(v, null);
        }

        const string Timings = "-ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400";

        [Fact]
        public void Options_come_from_the_configuration_file_with_env_references()
        {
            Environment.SetEnvironmentVariable("BRIDGE_TEST_TOKEN", _fx.GatewayToken);
            File.WriteAllText(_config, new JObject
            {
                ["gateway_url"] = _fx.GatewayUrl, ["gateway_token"] = "${BRIDGE_TEST_TOKEN}", ["agent_id"] = "from-config",
                ["owner_name"] = "Grace", ["agent_name"] = "Hopper", ["greeting"] = "Ahoy, Grace here.", ["voice_context"] = "Be brief.",
                ["sms_allowlist"] = new JArray("+15550005001"), ["owner_numbers"] = BridgeSandbox.OwnerCaller, ["approval_timeout_seconds"] = 30, ["no_devices_policy"] = "deny",
            }.ToString());
            _ps.Run($"Connect-ClawdTalk -ApiKey $key -Server $url; $job = Start-ClawdTalkBridge {Timings}", _fx.Vars()).Ok();
            _fx.WaitAuthenticated();

            var auth = Assert.Single(_fx.ClientFrames("auth"));
            Assert.Equal("Grace", (string?)auth["owner_name"]);
            Assert.Equal("Hopper", (string?)auth["agent_name"]);
            var call = (string)_fx.Control("calls/inbound", new { started = false, hang_up_after = false })["call_id"]!;
            BridgeSandbox.WaitUntil(() => _fx.ClientFrames("response").Any(), "the greeting");
            Assert.Equal("Ahoy, Grace here.", (string?)_fx.ClientFrames("response").Single()["text"]);
            Assert.Equal("Be brief.", (string?)_fx.ClientFrames("context_response").Single()["context"]!["system_prompt"]);

            var (_, id) = _fx.Ask("hello");
            _fx.WaitAnswered(id);
            var gw = _fx.GatewayCalls().Single();
            Assert.Equal("agent:from-config:main", (string?)gw["session_key"]);
            Assert.True((bool)gw["authorized"]!); // the ${BRIDGE_TEST_TOKEN} reference was resolved

            _fx.Control("sms/inbound", new { from = "+15550005002", body = "not on the list" });
            _fx.Control("devices", new { count = 0 });
            var (_, sensitive) = _fx.Ask("delete the files");
            Assert.Contains("no device", (string)_fx.WaitAnswered(sensitive)["result"]!); // no_devices_policy deny
            Assert.Single(_fx.GatewayCalls());
            Assert.Contains(_ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>(), r => r.Event == "sms_ignored");
        }

        [Fact]
        public void Parameters_override_the_file_and_the_environment_fills_in_the_gateway()
        {
            File.WriteAllText(_config, new JObject { ["agent_id"] = "from-config", ["owner_name"] = "Grace" }.ToString());
            Environment.SetEnvironmentVariable("OPENCLAW_GATEWAY_URL", _fx.GatewayUrl);
            Environment.SetEnvironmentVariable("CLAWDBOT_GATEWAY_URL", "http://127.0.0.1:1");
            Environment.SetEnvironmentVariable("OPENCLAW_GATEWAY_TOKEN", _fx.GatewayToken);
            _ps.Run($"Connect-ClawdTalk -ApiKey $key -Server $url; $job = Start-ClawdTalkBridge -AgentId override -OwnerName Ada -OwnerNumber {BridgeSandbox.OwnerCaller} {Timings}", _fx.Vars()).Ok();
            _fx.WaitAuthenticated();
            Assert.Equal("Ada", (string?)_fx.ClientFrames("auth").Single()["owner_name"]);
            var (_, id) = _fx.Ask("hello");
            Assert.Equal("Sandbox agent reply to: hello", (string?)_fx.WaitAnswered(id)["result"]);
            var gw = _fx.GatewayCalls().Single();
            Assert.Equal("agent:override:main", (string?)gw["session_key"]);
            Assert.True((bool)gw["authorized"]!);
            var start = _ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>().First(r => r.Event == "starting");
            Assert.Contains("environment (OPENCLAW_GATEWAY_URL)", start.Message);
            Assert.Contains("environment (OPENCLAW_GATEWAY_TOKEN)", start.Message);
        }

        [Fact]
        public void A_broken_policy_in_the_file_is_refused_before_connecting()
        {
            File.WriteAllText(_config, new JObject { ["gateway_url"] = _fx.GatewayUrl, ["no_devices_policy"] = "sometimes" }.ToString());
            var r = _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url; Start-ClawdTalkBridge", _fx.Vars());
            Assert.Contains("no_devices_policy", r.Error("InvalidConfiguration").ErrorDetails.Message);
            Assert.Equal(0, (int)_fx.WsStatus()["auth_count"]!);
        }
    }
}
