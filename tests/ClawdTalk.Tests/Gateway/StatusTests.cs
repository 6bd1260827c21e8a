using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Gateway
{
    /// <summary>Get-ClawdTalkStatus against the sandbox and its simulated gateway, with a sample gateway config found through OPENCLAW_CONFIG_PATH.</summary>
    [Collection("Environment")]
    public sealed class StatusTests : IClassFixture<SandboxFixture>, IDisposable
    {
        readonly SandboxFixture _sb;
        readonly string _dir = TestEnvironment.NewTempDir();
        readonly string _gatewayFile;
        readonly string? _savedConfig = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG");

        public StatusTests(SandboxFixture sb)
        {
            _sb = sb;
            _gatewayFile = Path.Combine(_dir, "openclaw.json");
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", Path.Combine(_dir, "skill-config.json"));
            Environment.SetEnvironmentVariable("OPENCLAW_CONFIG_PATH", _gatewayFile);
        }

        static bool SleepBriefly() { System.Threading.Thread.Sleep(100); return true; }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _savedConfig);
            Environment.SetEnvironmentVariable("OPENCLAW_CONFIG_PATH", null);
        }

        [Fact]
        public void Status_shows_the_masked_key_the_service_the_gateway_and_what_to_fix()
        {
            var port = _sb.Server.GatewayUri!.Port;
            File.WriteAllText(_gatewayFile, "{\n  \"gateway\": {\n    \"port\": " + port + ",\n    \"auth\": { \"token\": \"" + _sb.GatewayToken + "\" }\n  }\n}\n");
            using var ps = _sb.Session();
            var status = ps.Run("Get-ClawdTalkStatus").Single<ClawdTalk.StatusReport>();
            Assert.Equal("Ok", status.Connection);
            Assert.Equal(_sb.Key[..6] + "…" + _sb.Key[^4..], status.ApiKey);
            Assert.StartsWith(_sb.Url, status.Server);
            Assert.Equal("NotRunning", status.BridgeState);
            Assert.Equal("ToolNotAllowed", status.GatewayState);
            Assert.True(status.Gateway!.Reachable);
            Assert.True(status.Gateway.TokenPresent);
            // nothing here uses the gateway yet (no bridge, no gateway in the configuration, no notices): calls and texts need
            // only the service, so what the gateway lacks is what the rest would need, not a problem
            Assert.Contains("calls and texts", status.Uses);
            Assert.DoesNotContain(status.Problems, p => p.Contains("Grant-ClawdTalkGatewayTool", StringComparison.Ordinal));
            Assert.Contains(status.NotSetUp, p => p.Contains("Grant-ClawdTalkGatewayTool", StringComparison.Ordinal));
            Assert.True(status.Healthy, "problems: " + string.Join("; ", status.Problems));
            Assert.Equal("cron", status.PollerBackend?.Split(' ')[0]);
            // asked about that gateway, or once the configuration names one, it is used: its lack is a problem
            var asked = ps.Run("Get-ClawdTalkStatus -GatewayPath $p", new System.Collections.Generic.Dictionary<string, object?> { ["p"] = _gatewayFile }).Single<ClawdTalk.StatusReport>();
            Assert.Contains(asked.Problems, p => p.Contains("Grant-ClawdTalkGatewayTool", StringComparison.Ordinal));
            Assert.False(asked.Healthy);
            ps.Run("Set-ClawdTalkConfiguration -GatewayUrl $u", new System.Collections.Generic.Dictionary<string, object?> { ["u"] = "http://127.0.0.1:" + port }).Ok();
            var used = ps.Run("Get-ClawdTalkStatus").Single<ClawdTalk.StatusReport>();
            Assert.Contains("inbound calls and texts (bridge)", used.Uses);
            Assert.Contains(used.Problems, p => p.Contains("Grant-ClawdTalkGatewayTool", StringComparison.Ordinal));
            Assert.False(used.Healthy);

            ps.Run("Grant-ClawdTalkGatewayTool -Force").Ok();
            status = ps.Run("Get-ClawdTalkStatus").Single<ClawdTalk.StatusReport>();
            Assert.Equal("Ready", status.GatewayState);
            var text = ps.RunFormatted("Get-ClawdTalkStatus").Ok().HostText;
            foreach (var label in new[] { "Config", "ApiKey", "Service", "Bridge", "Gateway", "Pollers", "Uses", "Healthy", "Problems", "Not set up" }) Assert.Contains(label, text);
            Assert.Contains("Ready: http://127.0.0.1:" + port, text);
            Assert.Contains(status.ApiKey!, text);

            // a bridge started in this session shows in the status
            ps.Run("$b = Start-ClawdTalkBridge -GatewayUrl $gw -GatewayToken $gwt -ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400",
                new System.Collections.Generic.Dictionary<string, object?> { ["gw"] = _sb.Server.GatewayUri!.AbsoluteUri, ["gwt"] = SecureStrings.From(_sb.GatewayToken) }).Ok();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do status = ps.Run("Get-ClawdTalkStatus").Single<ClawdTalk.StatusReport>();
            while (status.BridgeState != "Authenticated" && DateTime.UtcNow < deadline && SleepBriefly());
            Assert.Equal("Authenticated", status.BridgeState);
            // with the gateway it uses
            Assert.Contains(status.Bridges, b => b.GatewayUrl == _sb.Server.GatewayUri && b.GatewayState == ClawdTalk.GatewayState.Ready);
            ps.Run("Stop-ClawdTalkBridge -Confirm:$false").Ok();
        }

        [Fact]
        public void Status_without_a_key_or_a_gateway_still_reports_every_part()
        {
            using var ps = new PsSession();
            var status = ps.Run("Get-ClawdTalkStatus -Offline").Single<ClawdTalk.StatusReport>();
            Assert.Equal("NoApiKey", status.Connection);
            Assert.Null(status.ApiKey);
            Assert.Equal("NotConfigured", status.GatewayState);
            Assert.Contains(status.Problems, p => p.Contains("No ClawdTalk API key", StringComparison.Ordinal));
            Assert.Contains(status.NotSetUp, p => p.Contains("No gateway config file", StringComparison.Ordinal)); // not used: not a problem
            Assert.DoesNotContain(status.Problems, p => p.Contains("No gateway config file", StringComparison.Ordinal));
            Assert.False(status.Healthy);
            Assert.Null(status.Gateway!.Reachable); // -Offline: nothing was contacted
        }
    }
}
