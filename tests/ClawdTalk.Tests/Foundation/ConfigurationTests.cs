using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>The configuration file and the key's order of sources. These tests set process environment variables.</summary>
    [Collection("Environment")]
    public sealed class ConfigurationTests : IDisposable
    {
        readonly string _dir = TestEnvironment.NewTempDir();
        readonly string _config;
        readonly string? _savedConfigEnv = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG");

        public ConfigurationTests()
        {
            _config = Path.Combine(_dir, "skill-config.json");
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _config);
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _savedConfigEnv);
            foreach (var v in new[] { "CLAWDTALK_API_KEY", "CLAWDTALK_API_URL", "CT_TEST_KEY_REF" }) Environment.SetEnvironmentVariable(v, null);
        }

        static Dictionary<string, object?> V(params (string, object?)[] kv) => kv.ToDictionary(k => k.Item1, k => k.Item2);

        [Fact]
        public void Set_writes_a_private_file_keeps_unknown_keys_and_Get_masks_the_key()
        {
            File.WriteAllText(_config, "{\"custom_key\": {\"kept\": true}, \"owner_name\": \"Old\"}");
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run("Set-ClawdTalkConfiguration -ApiKey $k -OwnerName Ada -AgentName Wren -Server https://example.test -PassThru",
                V(("k", SecureStrings.From(key)))).Ok();
            var shown = r.Single<ClawdTalk.Configuration>();
            Assert.Equal(key[..6] + "…" + key[^4..], shown.ApiKey);
            Assert.Equal("Ada", shown.OwnerName);
            Assert.Contains("custom_key", shown.OtherKeys);
            var json = JObject.Parse(File.ReadAllText(_config));
            Assert.Equal(key, (string?)json["api_key"]);
            Assert.True((bool)json["custom_key"]!["kept"]!);
            Assert.Equal("https://example.test", (string?)json["server"]);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_config));
            var formatted = ps.RunFormatted("Get-ClawdTalkConfiguration").Ok();
            Assert.Contains("ApiKey", formatted.HostText);
        }

        [Fact]
        public void A_new_config_file_is_created_0600()
        {
            if (OperatingSystem.IsWindows()) return;
            using var ps = new PsSession();
            ps.Run("Set-ClawdTalkConfiguration -AgentId main").Ok();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_config));
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
        }

        [Theory]
        [InlineData("Set-ClawdTalkConfiguration -ApiKey ([System.Security.SecureString]::new())", "InvalidApiKey")]
        [InlineData("Set-ClawdTalkConfiguration -Server 'not a url'", "InvalidServerUrl")]
        [InlineData("Set-ClawdTalkConfiguration -GatewayUrl 'ftp://x'", "InvalidServerUrl")]
        [InlineData("Set-ClawdTalkConfiguration -MaxConversationTurns 0", "ParameterArgumentValidationError")]
        [InlineData("Set-ClawdTalkConfiguration -ApiKeyVariable 'has space'", "ParameterArgumentValidationError")]
        public void Bad_input_leaves_the_file_byte_identical(string script, string errorId)
        {
            var original = "{\n  \"api_key\": \"ctk_existing_value_123456\",\n  \"zzz\": [1, 2]\n}\n";
            File.WriteAllText(_config, original);
            using var ps = new PsSession().Secret("ctk_existing_value_123456");
            var r = ps.Run(script);
            r.Error(errorId);
            Assert.Equal(original, File.ReadAllText(_config));
        }

        [Fact]
        public void Invalid_config_json_is_reported_and_never_rewritten()
        {
            const string broken = "{ \"api_key\": \"abc\", oops }";
            File.WriteAllText(_config, broken);
            using var ps = new PsSession();
            ps.Run("Set-ClawdTalkConfiguration -OwnerName Ada").Error("ConfigInvalid", ErrorCategory.ParserError);
            ps.Run("Get-ClawdTalkConfiguration").Error("ConfigInvalid", ErrorCategory.ParserError);
            Assert.Equal("ConfigInvalid", ps.Run("Test-ClawdTalkConnection").Ok().Single<ConnectionTestResult>().ErrorId); // reported once, in the result
            Assert.Equal(broken, File.ReadAllText(_config));
        }

        [Fact]
        public void An_unreadable_config_is_reported()
        {
            Directory.CreateDirectory(_config); // a folder where the file should be
            using var ps = new PsSession();
            ps.Run("Get-ClawdTalkConfiguration").Error("ConfigUnreadable", ErrorCategory.ReadError);
            Directory.Delete(_config);
        }

        [Fact]
        public void Key_precedence_explicit_then_env_then_config_and_env_references_resolve()
        {
            using var server = new ScriptedServer();
            var envKey = Keys.NewApiKey(); var configKey = Keys.NewApiKey(); var refKey = Keys.NewApiKey(); var explicitKey = Keys.NewApiKey();
            using var ps = new PsSession().Secret(envKey, configKey, refKey, explicitKey);
            string LastAuth() => server.Requests.Last().Headers["Authorization"]["Bearer ".Length..];

            File.WriteAllText(_config, new JObject { ["api_key"] = configKey, ["server"] = server.Url }.ToString());
            ps.Run("Test-ClawdTalkConnection").Ok();
            Assert.Equal(configKey, LastAuth());

            Environment.SetEnvironmentVariable("CLAWDTALK_API_KEY", envKey);
            var r = ps.Run("Test-ClawdTalkConnection").Ok();
            Assert.Equal(envKey, LastAuth());
            Assert.Contains("CLAWDTALK_API_KEY", r.Single<ConnectionTestResult>().KeySource);

            ps.Run("Connect-ClawdTalk -ApiKey $k -Server $u; Test-ClawdTalkConnection", V(("k", SecureStrings.From(explicitKey)), ("u", server.Url))).Ok();
            Assert.Equal(explicitKey, LastAuth());

            Environment.SetEnvironmentVariable("CLAWDTALK_API_KEY", null);
            Environment.SetEnvironmentVariable("CT_TEST_KEY_REF", refKey);
            File.WriteAllText(_config, new JObject { ["api_key"] = "${CT_TEST_KEY_REF}", ["server"] = server.Url }.ToString());
            r = ps.Run("Disconnect-ClawdTalk; Test-ClawdTalkConnection; Get-ClawdTalkConfiguration").Ok();
            Assert.Equal(refKey, LastAuth());
            Assert.Equal("${CT_TEST_KEY_REF}", r.Objects<ClawdTalk.Configuration>().Single().ApiKey); // shown as written, never resolved
            Assert.Contains("${CT_TEST_KEY_REF}", File.ReadAllText(_config));

            Environment.SetEnvironmentVariable("CT_TEST_KEY_REF", null);
            Assert.Equal("ConfigReferenceUnset", ps.Run("Test-ClawdTalkConnection").Ok().Single<ConnectionTestResult>().ErrorId);
        }

        [Fact]
        public void Env_api_url_replaces_the_whole_base()
        {
            using var server = new ScriptedServer();
            Environment.SetEnvironmentVariable("CLAWDTALK_API_KEY", Keys.NewApiKey());
            Environment.SetEnvironmentVariable("CLAWDTALK_API_URL", server.Url + "/custom/base");
            using var ps = new PsSession();
            ps.Run("Test-ClawdTalkConnection").Ok();
            Assert.StartsWith("/custom/base/missions", server.Requests.Single().Path);
        }

        [Fact]
        public void No_key_anywhere_is_NoApiKey()
        {
            using var ps = new PsSession();
            var r = ps.Run("Test-ClawdTalkConnection").Ok();
            var result = r.Single<ConnectionTestResult>();
            Assert.Equal(ConnectionStatus.NoApiKey, result.Status);
            Assert.Equal("NoApiKey", result.ErrorId);
            // where keys come from and which commands set one
            Assert.Contains("clawdtalk.com", result.RecommendedAction);
            Assert.Contains("Connect-ClawdTalk -ApiKey", result.RecommendedAction);
            Assert.Contains("Set-ClawdTalkConfiguration -ApiKey", result.RecommendedAction);
            // any other cmdlet stops on it with the same advice
            var error = ps.Run("Get-ClawdTalkMission").Error("NoApiKey", ErrorCategory.AuthenticationError);
            Assert.Equal(result.RecommendedAction, error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void Persist_saves_key_and_server_and_Remove_forgets_them()
        {
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            ps.Run("Connect-ClawdTalk -ApiKey $k -Server http://127.0.0.1:9 -Persist", V(("k", SecureStrings.From(key)))).Ok();
            var json = JObject.Parse(File.ReadAllText(_config));
            Assert.Equal(key, (string?)json["api_key"]);
            Assert.Equal("http://127.0.0.1:9", (string?)json["server"]);

            var before = File.ReadAllText(_config);
            ps.Run("Remove-ClawdTalkConfiguration -Name ApiKey -WhatIf").Ok();
            Assert.Equal(before, File.ReadAllText(_config));
            ps.Run("Remove-ClawdTalkConfiguration -Name ApiKey -Force").Ok();
            json = JObject.Parse(File.ReadAllText(_config));
            Assert.Null(json["api_key"]);
            Assert.NotNull(json["server"]);
            ps.Run("Remove-ClawdTalkConfiguration -Force").Ok();
            Assert.False(File.Exists(_config));
        }
    }
}
