using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>A mission, config and state file that every catalogue entry must leave exactly as they were.</summary>
    public sealed class CatalogueFixture : SandboxHarness
    {
        public string Dir { get; } = TestEnvironment.NewTempDir();
        public string ConfigPath => Path.Combine(Dir, "skill-config.json");
        public string StatePath => Path.Combine(Dir, "missions_state.json");
        public string Slug { get; private set; } = "";

        /// <summary>Creates the known mission once (under this collection's environment).</summary>
        public void EnsureMission()
        {
            if (Slug.Length > 0) return;
            File.WriteAllText(ConfigPath, "{\n  \"owner_name\": \"Ada\",\n  \"custom\": [1, 2, 3]\n}\n");
            using var ps = Session();
            ps.Run("Initialize-ClawdTalkMission -Name 'Catalogue mission' -Instructions 'i' -Request 'r' -Step research, calls").Ok();
            Slug = "catalogue-mission";
        }
    }

    /// <summary>
    /// The bad-input catalogue: distinct bad inputs across the module's cmdlets, each with its ErrorId and category.
    /// Client-side errors send nothing (the sandbox log proves it); no entry changes the config or state file by a byte.
    /// </summary>
    [Collection("Environment")]
    public sealed class BadInputCatalogueTests : IClassFixture<CatalogueFixture>, IDisposable
    {
        readonly CatalogueFixture _fx;
        readonly string? _savedConfig = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG");
        readonly string? _savedState = Environment.GetEnvironmentVariable("CLAWDTALK_STATE");

        public BadInputCatalogueTests(CatalogueFixture fx)
        {
            _fx = fx;
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", fx.ConfigPath);
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", fx.StatePath);
            fx.EnsureMission();
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _savedConfig);
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", _savedState);
        }

        const string S = "catalogue-mission";

        /// <summary>(what is wrong, script, ErrorId, category). Every row is a different bad input.</summary>
        public static IEnumerable<object[]> Catalogue() => new (string, string, string, ErrorCategory)[]
        {
            // connection and configuration
            ("empty API key", "Connect-ClawdTalk -ApiKey ([securestring]::new()) -Server $url", "InvalidApiKey", ErrorCategory.InvalidArgument),
            ("API key with a space", "Connect-ClawdTalk -ApiKey $spaced -Server $url", "InvalidApiKey", ErrorCategory.InvalidArgument),
            ("malformed server URL", "Connect-ClawdTalk -ApiKey $key -Server 'http//nope'", "InvalidServerUrl", ErrorCategory.InvalidArgument),
            ("non-http scheme", "Connect-ClawdTalk -ApiKey $key -Server 'file:///etc/passwd'", "InvalidServerUrl", ErrorCategory.InvalidArgument),
            ("credentials in the URL", "Connect-ClawdTalk -ApiKey $key -Server 'https://u:p@example.com'", "InvalidServerUrl", ErrorCategory.InvalidArgument),
            ("plain http to a remote host", "Connect-ClawdTalk -ApiKey $key -Server 'http://example.com'", "InsecureServer", ErrorCategory.SecurityError),
            ("config: gateway URL not http", "Set-ClawdTalkConfiguration -GatewayUrl 'ws:/x'", "InvalidServerUrl", ErrorCategory.InvalidArgument),
            ("config: both key and key variable", "Set-ClawdTalkConfiguration -ApiKey $key -ApiKeyVariable K", "ConflictingParameters", ErrorCategory.InvalidArgument),
            ("config: empty gateway token", "Set-ClawdTalkConfiguration -GatewayToken ([securestring]::new())", "InvalidGatewayToken", ErrorCategory.InvalidArgument),
            ("config: turns out of range", "Set-ClawdTalkConfiguration -MaxConversationTurns 5000", "ParameterArgumentValidationError", ErrorCategory.InvalidData),
            // missions, steps, memory
            ("empty mission name", "Initialize-ClawdTalkMission -Name ' ' -Instructions i -Request r", "InvalidMissionName", ErrorCategory.InvalidArgument),
            ("name whose slug collides", "Initialize-ClawdTalkMission -Name 'Catalogue  MISSION!' -Instructions other -Request r", "MissionSlugCollision", ErrorCategory.ResourceExists),
            ("duplicate step ids", "Initialize-ClawdTalkMission -Name 'Dup steps' -Instructions i -Request r -Step a, a", "DuplicateStepId", ErrorCategory.InvalidArgument),
            ("unknown slug", "Set-ClawdTalkStep -Slug no-such-mission -StepId research -Status in_progress", "MissionStateNotFound", ErrorCategory.ObjectNotFound),
            ("invalid step status", $"Set-ClawdTalkStep -Slug {S} -StepId research -Status half-done", "InvalidStepStatus", ErrorCategory.InvalidArgument),
            ("step id not in the plan", $"Set-ClawdTalkStep -Slug {S} -StepId nope -Status completed", "StepNotInPlan", ErrorCategory.ObjectNotFound),
            ("invalid JSON payload", $"Set-ClawdTalkStep -Slug {S} -StepId research -Status completed -Payload '{{not json'", "InvalidPayloadJson", ErrorCategory.InvalidArgument),
            ("invalid JSON memory value", $"Set-ClawdTalkMemory -Slug {S} -Key k -Value '{{\"a\":'", "InvalidMemoryJson", ErrorCategory.InvalidArgument),
            ("invalid run status", $"Set-ClawdTalkRun -Slug {S} -Status finished", "InvalidRunStatus", ErrorCategory.InvalidArgument),
            ("invalid event type", $"Write-ClawdTalkEvent -Slug {S} -Type shout -Summary s", "InvalidEventType", ErrorCategory.InvalidArgument),
            ("missing memory key", $"Get-ClawdTalkMemory -Slug {S} -Key never-set", "MemoryKeyNotFound", ErrorCategory.ObjectNotFound),
            ("state file that is not JSON", "Import-ClawdTalkMissionState -Path $brokenState", "StateFileInvalid", ErrorCategory.ParserError),
            ("state file that does not exist", "Import-ClawdTalkMissionState -Path '/no/such/file.json'", "StateFileNotFound", ErrorCategory.ObjectNotFound),
            ("insight timeout below zero", "Get-ClawdTalkInsight -ConversationId conv_1 -Timeout -00:00:01", "InvalidTimeout", ErrorCategory.InvalidArgument),
            // calls, SMS, approvals
            ("call: not a phone number", "Start-ClawdTalkCall -To 'call me maybe' -Force", "InvalidPhoneNumber", ErrorCategory.InvalidArgument),
            ("call: no country code", "Start-ClawdTalkCall -To '2125550100' -Force", "InvalidPhoneNumber", ErrorCategory.InvalidArgument),
            ("call: fictional 555 number", "Start-ClawdTalkCall -To '+15555550100' -Force", "InvalidPhoneNumber", ErrorCategory.InvalidArgument),
            ("call: timeout without -Wait", "Start-ClawdTalkCall -To '+12125550100' -Timeout 60 -Force", "TimeoutWithoutWait", ErrorCategory.InvalidArgument),
            ("SMS: empty message", "Send-ClawdTalkSms -To '+12125550100' -Message '' -Force", "EmptyMessage", ErrorCategory.InvalidArgument),
            ("SMS: message over the limit", "Send-ClawdTalkSms -To '+12125550100' -Message ('x' * 1601) -Force", "MessageTooLong", ErrorCategory.InvalidArgument),
            ("SMS: media URL that is not a URL", "Send-ClawdTalkSms -To '+12125550100' -Message hi -MediaUrl 'not a url' -Force", "InvalidMediaUrl", ErrorCategory.InvalidArgument),
            ("SMS: too many media URLs", "Send-ClawdTalkSms -To '+12125550100' -Message hi -MediaUrl (1..11 | ForEach-Object { \"https://x.test/$_.png\" }) -Force", "TooManyMediaUrls", ErrorCategory.InvalidArgument),
            ("approval: empty action", "Request-ClawdTalkApproval -Action ' '", "EmptyAction", ErrorCategory.InvalidArgument),
            ("approval: timeout of zero", "Request-ClawdTalkApproval -Action 'Deploy' -Timeout 0", "InvalidTimeout", ErrorCategory.InvalidArgument),
            ("approval: unknown status filter", "Get-ClawdTalkApproval -Status maybe", "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument),
            // bridge, gateway, pollers
            ("bridge: gateway URL not http", "Start-ClawdTalkBridge -GatewayUrl 'ftp://gw'", "InvalidGatewayUrl", ErrorCategory.InvalidArgument),
            ("bridge: plain http gateway on a remote host", "Start-ClawdTalkBridge -GatewayUrl 'http://gw.example.com' -GatewayToken $gwtoken", "InsecureGateway", ErrorCategory.SecurityError),
            ("bridge: agent id with spaces", "Start-ClawdTalkBridge -GatewayUrl 'http://127.0.0.1:9' -AgentId 'my agent'", "ParameterArgumentValidationError", ErrorCategory.InvalidData),
            ("bridge: SMS allowlist entry not a number", "Start-ClawdTalkBridge -GatewayUrl 'http://127.0.0.1:9' -AllowedSmsSender 'mom'", "InvalidPhoneNumber", ErrorCategory.InvalidArgument),
            ("gateway: config that is not JSON", "Get-ClawdTalkGateway -Path $brokenGateway -Offline", "GatewayConfigInvalid", ErrorCategory.ParserError),
            ("gateway: grant on a missing file", "Grant-ClawdTalkGatewayTool -Path '/no/such/openclaw.json' -Force", "GatewayConfigNotFound", ErrorCategory.ObjectNotFound),
            ("poller: unknown slug", "Register-ClawdTalkPoller -Slug no-such-mission -Executable $exe", "MissionStateNotFound", ErrorCategory.ObjectNotFound),
            ("poller: negative retry delay", $"Register-ClawdTalkPoller -Slug {S} -RetryDelay -00:05:00 -Executable $exe", "InvalidRetryDelay", ErrorCategory.InvalidArgument),
            ("poller: host that is not pwsh or clawdtalk", $"Register-ClawdTalkPoller -Slug {S} -Executable /bin/true", "InvalidPollerHost", ErrorCategory.InvalidArgument),
            ("poller: host that does not exist", $"Register-ClawdTalkPoller -Slug {S} -Executable '/no/such/pwsh'", "PollerHostNotFound", ErrorCategory.ObjectNotFound),
        }.Select(r => new object[] { r.Item1, r.Item2, r.Item3, r.Item4 });

        [Theory]
        [MemberData(nameof(Catalogue))]
        public void Bad_input_is_refused_with_its_ErrorId_sending_nothing_and_changing_no_file(string what, string script, string errorId, ErrorCategory category)
        {
            var broken = Path.Combine(_fx.Dir, "broken.json");
            File.WriteAllText(broken, "{ \"a\": [1, 2,, }");
            var config = File.ReadAllBytes(_fx.ConfigPath);
            var state = File.ReadAllBytes(_fx.StatePath);
            var before = _fx.Log().Count;

            using var ps = _fx.Session();
            var r = ps.Run(script, new Dictionary<string, object?>
            {
                ["key"] = SecureStrings.From(_fx.Key), ["spaced"] = SecureStrings.From("abc def ghi jkl"), ["url"] = _fx.Url,
                ["brokenState"] = broken, ["brokenGateway"] = broken, ["gwtoken"] = SecureStrings.From(_fx.GatewayToken),
                ["exe"] = Path.Combine(AppContext.BaseDirectory, "clawdtalk"),
            });

            var error = r.Error(errorId, category);
            Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.Message ?? error.Exception.Message), what + ": the error needs a message");
            Assert.True(before == _fx.Log().Count, $"{what}: {_fx.Log().Count - before} request(s) reached the service");
            Assert.True(config.SequenceEqual(File.ReadAllBytes(_fx.ConfigPath)), what + ": the config file changed");
            Assert.True(state.SequenceEqual(File.ReadAllBytes(_fx.StatePath)), what + ": the state file changed");
        }

        /// <summary>Server answers that are malformed, truncated, of the wrong shape or huge: mapped errors, never raw exceptions.</summary>
        public static IEnumerable<object[]> BadAnswers() => new (string, int, string, string, ErrorCategory)[]
        {
            ("truncated JSON", 200, "{\"mission\": {\"id\": \"m", "InvalidServerResponse", ErrorCategory.InvalidResult),
            ("not JSON at all", 200, "<html>hello</html>", "InvalidServerResponse", ErrorCategory.InvalidResult),
            ("an array where an object belongs", 200, "[1, 2, 3]", "InvalidServerResponse", ErrorCategory.InvalidResult),
            ("an HTML error page", 502, "<html><body>Bad gateway</body></html>", "ServerError", ErrorCategory.ResourceUnavailable),
            ("a huge body", 200, "{\"pad\": \"" + new string('x', 17 * 1024 * 1024) + "\"}", "ResponseTooLarge", ErrorCategory.InvalidResult),
        }.Select(r => new object[] { r.Item1, r.Item2, r.Item3, r.Item4, r.Item5 });

        [Theory]
        [MemberData(nameof(BadAnswers))]
        public void Bad_server_answers_are_mapped_errors_and_change_no_file(string what, int status, string body, string errorId, ErrorCategory category)
        {
            using var server = new ScriptedServer { Fallback = new ScriptedServer.Reply(status, body) };
            var config = File.ReadAllBytes(_fx.ConfigPath);
            var state = File.ReadAllBytes(_fx.StatePath);
            using var ps = new PsSession().Secret(_fx.Key);
            var r = ps.Run("Connect-ClawdTalk -ApiKey $k -Server $u -MaxRetryCount 0; Get-ClawdTalkMission -MissionId mis_1",
                new Dictionary<string, object?> { ["k"] = SecureStrings.From(_fx.Key), ["u"] = server.Url });
            r.Error(errorId, category);
            Assert.Null(r.TerminatingException?.InnerException as NullReferenceException);
            Assert.True(config.SequenceEqual(File.ReadAllBytes(_fx.ConfigPath)), what + ": the config file changed");
            Assert.True(state.SequenceEqual(File.ReadAllBytes(_fx.StatePath)), what + ": the state file changed");
        }

        [Fact]
        public void The_catalogue_has_at_least_forty_distinct_inputs()
        {
            var rows = Catalogue().ToList();
            Assert.True(rows.Count + BadAnswers().Count() >= 40, $"{rows.Count} rows");
            Assert.Equal(rows.Count, rows.Select(r => (string)r[1]).Distinct().Count());
        }
    }
}
