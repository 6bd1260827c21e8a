using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Polling;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>
    /// The API key and gateway token are used by every part of the module in one session (config, missions, SMS,
    /// approvals, the bridge with a log file, a poller in the real crontab, status), with -Verbose throughout. Neither
    /// appears in any stream, error or object (the harness scans every run), in any file but the config, or in the
    /// scheduler entry the module writes; the config and state files are 0600.
    /// </summary>
    [Collection("Environment")]
    public sealed class SecretsAuditTests : IClassFixture<SandboxFixture>, IDisposable
    {
        readonly SandboxFixture _fx;
        readonly string _dir = TestEnvironment.NewTempDir();
        readonly Dictionary<string, string?> _saved = new();

        public SecretsAuditTests(SandboxFixture fx)
        {
            _fx = fx;
            foreach (var (name, value) in new[] { ("CLAWDTALK_CONFIG", "skill-config.json"), ("CLAWDTALK_STATE", "missions_state.json"), ("XDG_CONFIG_HOME", "xdg") })
            {
                _saved[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, Path.Combine(_dir, value));
            }
        }

        public void Dispose()
        {
            foreach (var kv in _saved) Environment.SetEnvironmentVariable(kv.Key, kv.Value);
        }

        string ConfigPath => Path.Combine(_dir, "skill-config.json");
        string StatePath => Path.Combine(_dir, "missions_state.json");

        [Fact]
        public void Key_and_token_appear_only_in_the_config_file()
        {
            var vars = new Dictionary<string, object?>
            {
                ["k"] = SecureStrings.From(_fx.Key), ["t"] = SecureStrings.From(_fx.GatewayToken), ["u"] = _fx.Url,
                ["gw"] = _fx.Server.GatewayUri!.AbsoluteUri, ["log"] = Path.Combine(_dir, "bridge-logs", "bridge.jsonl"),
                ["exe"] = Path.Combine(AppContext.BaseDirectory, "clawdtalk"),
            };
            using var ps = new PsSession().Secret(_fx.Key, _fx.GatewayToken);
            ps.Run(@"
Connect-ClawdTalk -ApiKey $k -Server $u -Persist -Verbose
Set-ClawdTalkConfiguration -GatewayToken $t -GatewayUrl $gw -OwnerName Ada -Verbose
$m = Initialize-ClawdTalkMission -Name 'Secrets audit' -Instructions 'i' -Request 'r' -Step a -Verbose
Set-ClawdTalkMemory -Slug secrets-audit -Key note -Value '""kept""' -Verbose
$null = Send-ClawdTalkSms -To '+12125550100' -Message 'hello' -Force -Verbose
$null = Request-ClawdTalkApproval -Action 'Audit the secrets' -NoWait -Verbose
$b = Start-ClawdTalkBridge -Name audit -LogPath $log -Verbose -ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400", vars).Ok();

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(bool)(_fx.ControlGet("_sandbox/ws")["connected"] ?? false) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            var inbound = _fx.Control("_sandbox/calls/inbound", new { query = "check the weather", started = true, hang_up_after = false });
            var id = (string)inbound["request_id"]!;
            while (_fx.ControlGet($"_sandbox/requests/{id}")["result"]?.Type is null or JTokenType.Null && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.False(_fx.ControlGet($"_sandbox/requests/{id}")["result"]?.Type is null or JTokenType.Null, "the bridge did not answer the call");

            ps.Run(@"
$null = Receive-Job -Name audit -Keep
Stop-ClawdTalkBridge -Name audit -Confirm:$false
$null = Get-ClawdTalkStatus -Offline
$null = Test-ClawdTalkConnection -Verbose
$null = Get-ClawdTalkConfiguration
$null = Get-ClawdTalkMissionState -Slug secrets-audit", vars).Ok();

            if (Crontab.Installed)
            {
                var before = Crontab.Read();
                try
                {
                    ps.Run("Register-ClawdTalkPoller -Slug secrets-audit -Executable $exe", vars).Ok();
                    var entry = Crontab.LinesOf("secrets-audit");
                    Assert.NotEmpty(entry);
                    foreach (var line in entry)
                    {
                        Assert.DoesNotContain(_fx.Key, line);
                        Assert.DoesNotContain(_fx.GatewayToken, line);
                    }
                    ps.Run("Unregister-ClawdTalkPoller -Slug secrets-audit -Force").Ok();
                }
                finally { Crontab.Write(before); }
            }

            var files = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Where(f => f != ConfigPath).ToList();
            Assert.Contains(files, f => f.EndsWith("bridge.jsonl", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
            Assert.Contains(StatePath, files);
            foreach (var f in files)
            {
                var text = File.ReadAllText(f);
                Assert.False(text.Contains(_fx.Key, StringComparison.Ordinal), "the API key is in " + f);
                Assert.False(text.Contains(_fx.GatewayToken, StringComparison.Ordinal), "the gateway token is in " + f);
            }
            Assert.Contains(_fx.Key, File.ReadAllText(ConfigPath)); // -Persist put it where it belongs
            if (!OperatingSystem.IsWindows())
                foreach (var f in new[] { ConfigPath, StatePath })
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        }
    }
}
