using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Gateway
{
    /// <summary>
    /// Get-ClawdTalkGateway, Grant-ClawdTalkGatewayTool and Import-ClawdTalkGatewayConfiguration on sample gateway files
    /// under a temp folder (never the real ~/.openclaw). In the Environment collection: they point CLAWDTALK_CONFIG and
    /// OPENCLAW_CONFIG_PATH at their own files.
    /// </summary>
    [Collection("Environment")]
    public sealed class GatewayCommandTests : IDisposable
    {
        readonly string _dir = TestEnvironment.NewTempDir();
        readonly string _gatewayFile;
        readonly string _workspace;
        readonly string _clawdConfig;
        readonly string _token = Keys.NewGatewayToken();
        readonly string? _savedConfig = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG");

        public GatewayCommandTests()
        {
            _gatewayFile = Path.Combine(_dir, ".openclaw", "openclaw.json");
            _workspace = Path.Combine(_dir, "ws");
            Directory.CreateDirectory(Path.GetDirectoryName(_gatewayFile)!);
            Directory.CreateDirectory(_workspace);
            _clawdConfig = Path.Combine(_dir, "skill-config.json");
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _clawdConfig);
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _savedConfig);
            foreach (var v in new[] { "OPENCLAW_CONFIG_PATH", "OPENCLAW_GATEWAY_URL", "OPENCLAW_GATEWAY_TOKEN" }) Environment.SetEnvironmentVariable(v, null);
        }

        static Dictionary<string, object?> V(params (string, object?)[] kv) => kv.ToDictionary(k => k.Item1, k => k.Item2);

        string Sample(int port = 18790) => string.Join("\n",
            "{",
            "  // written by openclaw onboard",
            "  \"meta\": { \"lastTouchedVersion\": \"2026.1.30\" },",
            "  \"agents\": {",
            "    \"defaults\": { \"workspace\": \"" + _workspace.Replace("\\", "\\\\") + "\", \"model\": { \"primary\": \"anthropic/claude\" } },",
            "    \"list\": [",
            "      { \"id\": \"ops\", \"default\": true },",
            "      { \"id\": \"helper\", \"workspace\": \"~/helper\" },",
            "    ],",
            "  },",
            "  \"tools\": { \"allow\": [\"read\", \"exec\"] },",
            "  \"gateway\": {",
            "    \"port\": " + port + ",",
            "    \"mode\": \"local\",",
            "    \"auth\": { \"mode\": \"token\", \"token\": \"" + _token + "\" },",
            "  },",
            "}",
            "");

        void WriteWorkspace()
        {
            File.WriteAllText(Path.Combine(_workspace, "USER.md"), "# USER.md - About Your Human\n\n- **Name:** Grace Hopper\n- **What to call them:** Grace\n- **Timezone:** America/New_York\n");
            File.WriteAllText(Path.Combine(_workspace, "IDENTITY.md"), "# IDENTITY.md - Who Am I?\n\n- **Name:** Wren — operations assistant\n- **Emoji:** 🐦\n");
        }

        [Fact]
        public void Grant_adds_sessions_send_in_gateway_tools_allow_keeps_everything_else_and_writes_a_backup()
        {
            var before = Sample();
            File.WriteAllText(_gatewayFile, before);
            using var ps = new PsSession().Secret(_token);
            var r = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", _gatewayFile)));
            var grant = r.Single<ClawdTalk.GatewayToolGrant>();
            Assert.True(grant.Changed);
            Assert.Equal(new[] { "sessions_send" }, grant.GatewayToolsAllow);
            Assert.DoesNotContain(r.Warnings, w => w.Contains("top-level", StringComparison.Ordinal));

            var after = File.ReadAllText(_gatewayFile);
            var expected = before.Replace(
                "    \"auth\": { \"mode\": \"token\", \"token\": \"" + _token + "\" },\n",
                "    \"auth\": { \"mode\": \"token\", \"token\": \"" + _token + "\" },\n    \"tools\": {\n      \"allow\": [\"sessions_send\"]\n    },\n");
            Assert.Equal(expected, after);
            var json = JObject.Parse(after);
            Assert.Equal(new[] { "read", "exec" }, json["tools"]!["allow"]!.Values<string>()); // the agent's own list: untouched
            Assert.Equal(new[] { "meta", "agents", "tools", "gateway" }, json.Properties().Select(p => p.Name));

            Assert.NotNull(grant.BackupPath);
            Assert.Equal(before, File.ReadAllText(grant.BackupPath!));
            Assert.StartsWith(_gatewayFile + ".", grant.BackupPath);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(grant.BackupPath!));

            // a second run changes nothing and writes no second backup
            var again = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", _gatewayFile))).Single<ClawdTalk.GatewayToolGrant>();
            Assert.False(again.Changed);
            Assert.Null(again.BackupPath);
            Assert.Equal(after, File.ReadAllText(_gatewayFile));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(_gatewayFile)!, "*.bak"));
        }

        [Fact]
        public void Grant_WhatIf_changes_nothing_and_writes_no_backup()
        {
            var before = Sample();
            File.WriteAllText(_gatewayFile, before);
            var stamp = File.GetLastWriteTimeUtc(_gatewayFile);
            using var ps = new PsSession().Secret(_token);
            var r = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -WhatIf", V(("p", _gatewayFile))).Ok();
            Assert.Empty(r.Output);
            Assert.Contains("gateway.tools.allow", r.HostText);
            Assert.Equal(before, File.ReadAllText(_gatewayFile));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(_gatewayFile));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_gatewayFile)!, "*.bak"));
        }

        [Fact]
        public void Grant_warns_about_sessions_send_in_the_top_level_list_and_leaves_it()
        {
            File.WriteAllText(_gatewayFile, "{\n  \"tools\": {\n    \"allow\": [\"sessions_send\"]\n  }\n}\n");
            using var ps = new PsSession();
            var r = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", _gatewayFile)));
            Assert.True(r.Single<ClawdTalk.GatewayToolGrant>().Changed);
            Assert.Contains(r.Warnings, w => w.Contains("top-level tools.allow", StringComparison.Ordinal));
            Assert.Equal("{\n  \"tools\": {\n    \"allow\": [\"sessions_send\"]\n  },\n  \"gateway\": {\n    \"tools\": {\n      \"allow\": [\"sessions_send\"]\n    }\n  }\n}\n",
                File.ReadAllText(_gatewayFile));
        }

        [Theory]
        [InlineData("{\n  \"gateway\": { \"port\": 18789, }\n  \"tools\": {}\n}\n", "GatewayConfigInvalid")]
        [InlineData("{ \"gateway\": { \"tools\": { \"allow\": \"sessions_send\" } } }", "GatewayConfigUnexpected")]
        public void Grant_on_a_bad_file_is_a_clear_error_and_the_file_is_untouched(string text, string errorId)
        {
            File.WriteAllText(_gatewayFile, text);
            using var ps = new PsSession();
            var r = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", _gatewayFile)));
            var e = r.Error(errorId);
            Assert.Contains(_gatewayFile, e.ErrorDetails.Message);
            Assert.True(e.ErrorDetails.Message.Contains("not changed", StringComparison.Ordinal) || e.ErrorDetails.Message.Contains("left as it is", StringComparison.Ordinal), e.ErrorDetails.Message);
            Assert.Empty(r.Output);
            Assert.Equal(text, File.ReadAllText(_gatewayFile));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_gatewayFile)!, "*.bak"));
        }

        [Fact]
        public void Grant_without_a_gateway_file_is_GatewayConfigNotFound()
        {
            using var ps = new PsSession();
            var r = ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", Path.Combine(_dir, "none.json"))));
            Assert.Equal(ErrorCategory.ObjectNotFound, r.Error("GatewayConfigNotFound").CategoryInfo.Category);
            Assert.False(File.Exists(Path.Combine(_dir, "none.json")));
        }

        [Fact]
        public void Get_reports_port_token_presence_agent_workspace_names_policy_and_a_live_gateway()
        {
            using var gateway = new ScriptedServer { Fallback = new ScriptedServer.Reply(404, "{\"error\":\"not found\"}") };
            File.WriteAllText(_gatewayFile, Sample(gateway.Port));
            WriteWorkspace();
            using var ps = new PsSession().Secret(_token);
            var info = ps.Run("Get-ClawdTalkGateway -Path $p", V(("p", _gatewayFile))).Single<ClawdTalk.GatewayInfo>();
            Assert.True(info.ConfigFound);
            Assert.Equal("OpenClaw", info.Kind);
            Assert.Equal(gateway.Port, info.Port);
            Assert.Equal($"http://127.0.0.1:{gateway.Port}", info.Url);
            Assert.True(info.TokenPresent);
            Assert.Contains("gateway.auth.token", info.TokenSource);
            Assert.Equal("ops", info.MainAgentId);
            Assert.Equal("agent:ops:main", info.SessionKey);
            Assert.Equal(_workspace, info.Workspace);
            Assert.Equal("Grace", info.DetectedOwnerName);
            Assert.Equal("Wren", info.DetectedAgentName);
            Assert.False(info.SessionsSendAllowed);
            Assert.True(info.Reachable);
            Assert.Equal(404, info.HttpStatus);
            Assert.Contains(info.Problems, p => p.Contains("Grant-ClawdTalkGatewayTool", StringComparison.Ordinal));
            Assert.False(info.Ready);
            var probe = Assert.Single(gateway.Requests);
            Assert.Equal("GET", probe.Method);
            Assert.False(probe.Headers.ContainsKey("Authorization")); // the probe never sends the token

            ps.Run("Grant-ClawdTalkGatewayTool -Path $p -Force", V(("p", _gatewayFile))).Ok();
            var ready = ps.Run("Get-ClawdTalkGateway -Path $p", V(("p", _gatewayFile))).Single<ClawdTalk.GatewayInfo>();
            Assert.True(ready.SessionsSendAllowed);
            Assert.Empty(ready.Problems);
            Assert.True(ready.Ready);
            var shown = ps.RunFormatted("Get-ClawdTalkGateway -Path $p", V(("p", _gatewayFile))).Ok().HostText;
            Assert.Contains("agent:ops:main", shown);
            Assert.Contains("Grace", shown);
        }

        [Fact]
        public void Get_says_when_the_gateway_does_not_answer_and_Offline_does_not_probe()
        {
            int port;
            using (var closed = new ScriptedServer()) port = closed.Port; // a port that was just freed
            File.WriteAllText(_gatewayFile, Sample(port));
            using var ps = new PsSession().Secret(_token);
            var down = ps.Run("Get-ClawdTalkGateway -Path $p", V(("p", _gatewayFile))).Single<ClawdTalk.GatewayInfo>();
            Assert.False(down.Reachable);
            Assert.Contains(down.Problems, p => p.Contains("does not answer", StringComparison.Ordinal));
            var offline = ps.Run("Get-ClawdTalkGateway -Path $p -Offline", V(("p", _gatewayFile))).Single<ClawdTalk.GatewayInfo>();
            Assert.Null(offline.Reachable);
            Assert.DoesNotContain(offline.Problems, p => p.Contains("does not answer", StringComparison.Ordinal));
        }

        [Fact]
        public void Get_follows_OPENCLAW_CONFIG_PATH_and_the_bridge_order_of_sources()
        {
            File.WriteAllText(_gatewayFile, Sample());
            Environment.SetEnvironmentVariable("OPENCLAW_CONFIG_PATH", _gatewayFile);
            Environment.SetEnvironmentVariable("OPENCLAW_GATEWAY_URL", "http://127.0.0.1:9/");
            using var ps = new PsSession().Secret(_token);
            var info = ps.Run("Get-ClawdTalkGateway -Offline").Single<ClawdTalk.GatewayInfo>();
            Assert.Equal(_gatewayFile, info.ConfigPath);
            Assert.Equal("http://127.0.0.1:9", info.Url);
            Assert.Equal("environment (OPENCLAW_GATEWAY_URL)", info.UrlSource);
            File.WriteAllText(_clawdConfig, "{\"gateway_url\": \"http://127.0.0.1:7\", \"agent_id\": \"main\"}");
            info = ps.Run("Get-ClawdTalkGateway -Offline").Single<ClawdTalk.GatewayInfo>();
            Assert.Equal("http://127.0.0.1:7", info.Url);
            Assert.Equal("agent:main:main", info.SessionKey);
        }

        [Fact]
        public void Get_with_a_malformed_file_is_GatewayConfigInvalid_and_reads_nothing_else()
        {
            File.WriteAllText(_gatewayFile, "{ \"gateway\": { \"port\": 18789 ");
            using var ps = new PsSession();
            var r = ps.Run("Get-ClawdTalkGateway -Path $p -Offline", V(("p", _gatewayFile)));
            Assert.Equal(ErrorCategory.ParserError, r.Error("GatewayConfigInvalid").CategoryInfo.Category);
            Assert.Empty(r.Output);
        }

        [Fact]
        public void Import_copies_names_agent_and_url_keeps_set_values_and_copies_the_token_only_when_asked()
        {
            File.WriteAllText(_gatewayFile, Sample());
            WriteWorkspace();
            File.WriteAllText(_clawdConfig, "{\"agent_name\": \"Kept\", \"custom\": 1}");
            using var ps = new PsSession().Secret(_token);
            var r = ps.Run("Import-ClawdTalkGatewayConfiguration -Path $p -PassThru", V(("p", _gatewayFile))).Ok();
            var shown = r.Single<ClawdTalk.Configuration>();
            Assert.Equal("Grace", shown.OwnerName);
            Assert.Equal("Kept", shown.AgentName);
            Assert.Equal("ops", shown.AgentId);
            Assert.Equal("http://127.0.0.1:18790", shown.GatewayUrl);
            Assert.Null(shown.GatewayToken);
            var json = JObject.Parse(File.ReadAllText(_clawdConfig));
            Assert.Equal(1, (int)json["custom"]!);

            ps.Run("Import-ClawdTalkGatewayConfiguration -Path $p -IncludeToken -Force", V(("p", _gatewayFile))).Ok();
            json = JObject.Parse(File.ReadAllText(_clawdConfig));
            Assert.Equal("Wren", (string?)json["agent_name"]);
            Assert.Equal(_token, (string?)json["gateway_token"]);

            File.WriteAllText(_clawdConfig, "{}");
            ps.Run("Import-ClawdTalkGatewayConfiguration -Path $p -WhatIf", V(("p", _gatewayFile))).Ok();
            Assert.Equal("{}", File.ReadAllText(_clawdConfig));
        }
    }
}
