using System.Security;
using ClawdTalk.Config;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// What Start-ClawdTalkBridge was given, as plain values (null: not given), and its assembly into <see cref="BridgeOptions"/>:
    /// each setting from its parameter, else the module's configuration, else the OpenClaw gateway's, else its default;
    /// every value checked before anything connects (an error names where the bad value came from).
    /// </summary>
    internal sealed class BridgeStartRequest
    {
        public string Name = "ClawdTalkBridge";
        public string? GatewayUrl, AgentId, OwnerName, AgentName, Greeting, VoiceContext, RunMode;
        public SecureString? GatewayToken;
        public bool AllowInsecureGateway, AllowAnySender, Wait, VerboseLog, DebugLog;
        public string[]? OwnerNumber, AddApprovalWord, RemoveApprovalWord;
        public ApprovalMode? ApprovalMode;
        public int? ApprovalTimeoutSec;
        public NoDevicesPolicy? NoDevicesPolicy;
        /// <summary>The log file, resolved against the caller's location (null: the bridge folder's default).</summary>
        public string? LogPath;
        public int LogMaxSizeMB = 10, LogFileCount = 5;
        public TimeSpan ReconnectDelay = TimeSpan.FromSeconds(5), MaxReconnectDelay = TimeSpan.FromSeconds(180), RateLimitDelay = TimeSpan.FromSeconds(60),
            StablePeriod = TimeSpan.FromSeconds(60), KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(10),
            ApprovalPollInterval = TimeSpan.FromSeconds(3);

        /// <summary>The bridge's options over <paramref name="connection"/>; InvalidConfiguration and the like (terminating) for a bad value.</summary>
        public BridgeOptions Build(ClawdTalkConnection connection)
        {
            var configPath = ModulePaths.ConfigFile;
            var config = ConfigStore.Read(configPath);
            var (gwPath, gwConfig) = GatewaySettings.GatewayConfig();
            var o = new BridgeOptions { Name = Name, WebSocketUri = connection.WebSocketUri, ApiKey = connection.ApiKey };

            // a detached bridge gets a -GatewayToken of its starter through its environment (never its arguments)
            var fromLauncher = GatewayToken == null ? Environment.GetEnvironmentVariable(BridgeLaunchSpec.GatewayTokenEnv) : null;
            string? token = GatewayToken == null ? (string.IsNullOrEmpty(fromLauncher) ? null : fromLauncher) : SecureText.ToPlain(GatewayToken);
            if (token != null && !SecureText.IsPlausibleSecret(token))
                throw Errors.Terminating(ErrorIds.InvalidGatewayToken, ErrorCategory.InvalidArgument, "The gateway token is empty or contains spaces or control characters.");
            var (url, urlSource) = GatewaySettings.ResolveUrl(GatewayUrl, config, configPath, gwConfig, gwPath);
            (o.GatewayToken, o.GatewayTokenSource) = GatewaySettings.ResolveToken(token, config, configPath, gwConfig, gwPath);
            if (token != null && GatewayToken == null) o.GatewayTokenSource = $"the starting session (-GatewayToken, via {BridgeLaunchSpec.GatewayTokenEnv})";
            o.GatewayUrl = GatewaySettings.ParseUrl(url);
            o.GatewayUrlSource = urlSource;
            GatewaySettings.CheckSecure(o.GatewayUrl, o.GatewayToken != null, AllowInsecureGateway);
            o.AgentId = GatewaySettings.ResolveAgentId(AgentId, config, configPath, gwConfig);
            if (!System.Text.RegularExpressions.Regex.IsMatch(o.AgentId, "^[A-Za-z0-9_.-]{1,100}$"))
                throw Errors.Terminating(ErrorIds.InvalidAgentId, ErrorCategory.InvalidArgument, $"The agent id '{o.AgentId}' may hold only letters, digits, '_', '.' and '-'.", o.AgentId);

            o.OwnerName = OwnerName ?? ConfigStore.Resolve(config, ConfigKeys.OwnerName, configPath);
            o.AgentName = AgentName ?? ConfigStore.Resolve(config, ConfigKeys.AgentName, configPath);
            o.Greeting = Greeting ?? (config[ConfigKeys.Greeting] != null ? ConfigStore.Resolve(config, ConfigKeys.Greeting, configPath) ?? "" : BridgeOptions.DefaultGreeting(o.OwnerName));
            o.VoiceContext = VoiceContext ?? ConfigStore.Resolve(config, GatewaySettings.VoiceContextKey, configPath)
                             ?? BridgeOptions.VoiceContextFor(BridgeOptions.DefaultVoiceContext, o.OwnerName, o.AgentName);
            // the owner's approval words: the config's and the parameter's together
            o.ApprovalWordsAdd = ApprovalWords.Checked(GatewaySettings.ConfigList(config, ConfigKeys.ApprovalWordsAdd).Concat(AddApprovalWord ?? Array.Empty<string>()));
            o.ApprovalWordsRemove = ApprovalWords.Checked(GatewaySettings.ConfigList(config, ConfigKeys.ApprovalWordsRemove).Concat(RemoveApprovalWord ?? Array.Empty<string>()));

            // the owner's numbers: the config's (owner_numbers and the older sms_allowlist, one list) and the parameter's together
            o.OwnerNumbers = GatewaySettings.CheckedNumbers(GatewaySettings.ConfigOwnerNumbers(config), $"owner_numbers of {configPath}");
            if (OwnerNumber != null) o.OwnerNumbers.UnionWith(GatewaySettings.CheckedNumbers(OwnerNumber, "-OwnerNumber"));
            o.AllowAnySender = AllowAnySender || Json.Bool(config, GatewaySettings.AllowAnySenderKey) == true;
            if (ApprovalMode.HasValue) o.ApprovalMode = ApprovalMode.Value;
            else if (Json.Str(config, GatewaySettings.ApprovalModeKey) is string mode)
            {
                if (!Enum.TryParse<ApprovalMode>(mode, true, out var parsedMode) || int.TryParse(mode, out _))
                    throw Errors.Terminating(ErrorIds.InvalidConfiguration, ErrorCategory.InvalidData, $"approval_mode in {configPath} must be Intent or Strict, not '{mode}'.", GatewaySettings.ApprovalModeKey);
                o.ApprovalMode = parsedMode;
            }

            if (ApprovalTimeoutSec.HasValue) o.ApprovalTimeout = TimeSpan.FromSeconds(ApprovalTimeoutSec.Value);
            else if (Json.Int(config, GatewaySettings.ApprovalTimeoutKey) is int seconds)
            {
                if (seconds < 2 || seconds > 3600)
                    throw Errors.Terminating(ErrorIds.InvalidConfiguration, ErrorCategory.InvalidData, $"approval_timeout_seconds in {configPath} must be 2 to 3600.", GatewaySettings.ApprovalTimeoutKey);
                o.ApprovalTimeout = TimeSpan.FromSeconds(seconds);
            }
            if (NoDevicesPolicy.HasValue) o.NoDevices = NoDevicesPolicy.Value;
            else if (Json.Str(config, GatewaySettings.NoDevicesPolicyKey) is string policy)
            {
                if (!Enum.TryParse<NoDevicesPolicy>(policy.Replace("_", ""), true, out var parsed))
                    throw Errors.Terminating(ErrorIds.InvalidConfiguration, ErrorCategory.InvalidData,
                        $"no_devices_policy in {configPath} must be AskCaller, Proceed or Deny, not '{policy}'.", GatewaySettings.NoDevicesPolicyKey);
                o.NoDevices = parsed;
            }

            foreach (var (name, value) in new[] { (nameof(ReconnectDelay), ReconnectDelay), (nameof(MaxReconnectDelay), MaxReconnectDelay), (nameof(RateLimitDelay), RateLimitDelay),
                         (nameof(StablePeriod), StablePeriod), (nameof(KeepAliveInterval), KeepAliveInterval), (nameof(KeepAliveTimeout), KeepAliveTimeout),
                         (nameof(ApprovalPollInterval), ApprovalPollInterval) })
                if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
                    throw Errors.Terminating(ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, $"-{name} must be more than zero and at most one hour.", name);
            if (MaxReconnectDelay < ReconnectDelay)
                throw Errors.Terminating(ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, "-MaxReconnectDelay must not be shorter than -ReconnectDelay.", nameof(MaxReconnectDelay));
            o.ReconnectDelay = ReconnectDelay;
            o.MaxReconnectDelay = MaxReconnectDelay;
            o.RateLimitDelay = RateLimitDelay;
            o.StablePeriod = StablePeriod;
            o.KeepAliveInterval = KeepAliveInterval;
            o.KeepAliveTimeout = KeepAliveTimeout;
            o.ApprovalPollInterval = ApprovalPollInterval;
            if (ApprovalPollInterval > o.ApprovalTimeout) o.ApprovalPollInterval = o.ApprovalTimeout;

            o.VerboseLog = VerboseLog;
            o.DebugLog = DebugLog;
            // a rotated log always: -LogPath, else the bridge folder's <key hash>.log (no secret is ever written to it)
            o.LogPath = LogPath ?? BridgeFiles.DefaultLog(BridgeLock.KeyHash(o.ApiKey));
            o.LogMaxBytes = LogMaxSizeMB * 1024L * 1024L;
            o.LogFileCount = LogFileCount;
            o.Mode = RunMode ?? (Wait ? "Foreground" : "Job");
            return o;
        }

        /// <summary>
        /// What the gateway probe found, decided on before anything connects: a gateway that refuses the token (or wants one
        /// and got none) or does not allow sessions_send is a terminating error with its ErrorId, since no request could reach
        /// the agent; one that cannot be reached now is a warning, returned (it may start later), and the bridge's state shows it.
        /// </summary>
        public static string? GatewayProblem(BridgeOptions o, GatewayException? problem)
        {
            if (problem == null) return null;
            if (problem.ErrorId == ErrorIds.GatewayUnauthorized || problem.ErrorId == ErrorIds.GatewayToolNotAllowed)
            {
                var message = problem.ErrorId == ErrorIds.GatewayUnauthorized && o.GatewayToken == null
                    ? $"The agent gateway at {o.GatewayUrl} requires a token and none was given (HTTP {problem.Status}): set gateway_token (Set-ClawdTalkConfiguration -GatewayToken), " +
                      "OPENCLAW_GATEWAY_TOKEN or -GatewayToken to the gateway's gateway.auth.token. The bridge did not start."
                    : problem.Message + " The bridge did not start.";
                throw new ClawdTalkException(problem.ErrorId, problem.Category, message, o.GatewayUrl.GetLeftPart(UriPartial.Authority)) { Terminating = true };
            }
            return $"The agent gateway cannot be used now ({problem.ErrorId}): {problem.Message} The bridge starts; Get-ClawdTalkBridge shows the gateway's state.";
        }
    }
}
