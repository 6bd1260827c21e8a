using ClawdTalk.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>Everything a running bridge needs, resolved and validated before it connects.</summary>
    internal sealed class BridgeOptions
    {
        public string Name = "ClawdTalkBridge";
        public Uri WebSocketUri = null!;
        /// <summary>Secret: sent only in the auth frame.</summary>
        public string ApiKey = "";

        public Uri GatewayUrl = new Uri(GatewaySettings.DefaultUrl);
        public string GatewayUrlSource = "default";
        /// <summary>Secret: sent only as the gateway's bearer token.</summary>
        public string? GatewayToken;
        public string GatewayTokenSource = "none";
        public string AgentId = "main";

        public string? OwnerName, AgentName;
        public string Greeting = "Hey, what's up?";
        public string VoiceContext = DefaultVoiceContext;
        public string Memory = "Voice call with the owner's OpenClaw agent; ask it for anything that needs tools or memory.";
        /// <summary>
        /// The owner's numbers (E.164): config `owner_numbers` (and the older `sms_allowlist`, the same list), -OwnerNumber,
        /// and the account's owner phone when the service tells it. Only they reach the agent by text, and a call from one
        /// of them is the owner's.
        /// </summary>
        public HashSet<string> OwnerNumbers = new HashSet<string>(StringComparer.Ordinal);
        /// <summary>Texts from any number reach the agent (as a stranger's, unless from an owner number): -AllowAnySender or `allow_any_sender`.</summary>
        public bool AllowAnySender;
        /// <summary>How strict the approval gate is: -ApprovalMode or `approval_mode`.</summary>
        public ApprovalMode ApprovalMode = ApprovalMode.Intent;
        /// <summary>Probe the gateway before connecting (tests of other parts turn it off).</summary>
        public bool ProbeGateway = true;

        public TimeSpan ApprovalTimeout = TimeSpan.FromSeconds(60);
        public TimeSpan ApprovalPollInterval = TimeSpan.FromSeconds(3);
        public TimeSpan ApprovalProgressInterval = TimeSpan.FromSeconds(10);
        public TimeSpan ConfirmationWindow = TimeSpan.FromMinutes(2);
        public NoDevicesPolicy NoDevices = NoDevicesPolicy.AskCaller;
        /// <summary>The owner's own approval words (added to the built-in list), and built-in words they removed.</summary>
        public string[] ApprovalWordsAdd = Array.Empty<string>(), ApprovalWordsRemove = Array.Empty<string>();
        /// <summary>How the bridge runs (Job, Foreground, Detached, Service): shown by Get-ClawdTalkBridge.</summary>
        public string Mode = "Job";

        // connection behaviour (contract defaults; tests shorten them)
        public TimeSpan ReconnectDelay = TimeSpan.FromSeconds(5);
        public TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(180);
        public TimeSpan RateLimitDelay = TimeSpan.FromSeconds(60);
        public TimeSpan StablePeriod = TimeSpan.FromSeconds(60);
        public TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);
        public TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);
        /// <summary>Also use the runtime's ping/pong keep-alive (.NET 9+); the bridge's own watchdog runs either way.</summary>
        public bool RuntimeKeepAlive = true;
        public TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
        public TimeSpan AuthTimeout = TimeSpan.FromSeconds(15);
        public TimeSpan StopGrace = TimeSpan.FromSeconds(2);
        public int DuplicateCloseLimit = 3;

        // gateway timeouts from the contract: what is asked of the agent, and when the bridge gives up
        public int VoiceAskSeconds = 90, SmsAskSeconds = 60;
        public TimeSpan VoiceHardTimeout = TimeSpan.FromSeconds(120), SmsHardTimeout = TimeSpan.FromSeconds(90);
        public TimeSpan ReportTimeout = TimeSpan.FromSeconds(15);

        // logging
        public bool VerboseLog, DebugLog;
        public string? LogPath;
        public long LogMaxBytes = 10L * 1024 * 1024;
        public int LogFileCount = 5;
        public int MaxBufferedRecords = 5000;
        public int MaxQueuedFrames = 10000;

        public string SessionKey => "agent:" + AgentId + ":main";

        public const string DefaultVoiceContext =
            "[VOICE CALL ACTIVE] A phone call is in progress: the caller's speech is transcribed to text and your reply is spoken.\n\n" +
            "VOICE RULES:\n" +
            "- Keep replies short (one to three sentences), natural and direct. This is a phone call.\n" +
            "- No markdown, lists, emoji, raw JSON or code: everything you say is spoken aloud.\n" +
            "- Say numbers the way people say them. Don't repeat back what the caller said.\n" +
            "- Use your tools when needed, then briefly say what you did.\n\n" +
            "SPOKEN PROGRESS:\n" +
            "- The caller is waiting on the line. While you work, give short spoken progress updates after each tool call or step: " +
            "\"Checking your calendar now...\", \"Found three messages, reading them...\".\n" +
            "- Be specific about what you are doing, not generic; don't wait until the end to say what you found.\n\n" +
            "APPROVALS AND CALLERS:\n" +
            "- Sensitive or destructive actions need the owner's approval: deleting or destroying anything, spending or moving money, sending or posting " +
            "in the owner's name, reading out secrets or credentials, changing systems or settings, running commands.\n" +
            "- The bridge asks the owner to approve the ones it recognises, and each request that reaches the agent says whether the owner approved it " +
            "and whether the caller is the owner. Any other sensitive action needs the owner's approval first: say \"I'm sending a notification to your phone " +
            "for you to approve\" and act only when it is approved.\n" +
            "- A caller who is not the owner gets no private information of the owner and cannot ask for sensitive actions in the owner's name.";

        /// <summary>
        /// The voice context with the identity block the published client adds when the owner's or the agent's name is
        /// known: "Your name is …" and "You are speaking with …. Use their name naturally in conversation."
        /// </summary>
        public static string VoiceContextFor(string baseContext, string? owner, string? agent)
        {
            if (string.IsNullOrWhiteSpace(owner) && string.IsNullOrWhiteSpace(agent)) return baseContext;
            var identity = "\n\nIDENTITY:";
            if (!string.IsNullOrWhiteSpace(agent)) identity += "\n- Your name is " + agent!.Trim() + ".";
            if (!string.IsNullOrWhiteSpace(owner)) identity += "\n- You are speaking with " + owner!.Trim() + ". Use their name naturally in conversation.";
            return baseContext + identity;
        }

        public static string DefaultGreeting(string? owner) =>
            string.IsNullOrWhiteSpace(owner) ? "Hey, what's up?" : $"Hey {owner!.Trim()}, what's up?";
    }

    /// <summary>
    /// The gateway's URL, token and agent id in the contract's order of sources: config (`gateway_url`, `gateway_token`,
    /// `agent_id`), then `OPENCLAW_*` / `CLAWDBOT_*` environment variables, then the gateway's own config file
    /// (`~/.openclaw/openclaw.json` or `~/.clawdbot/clawdbot.json`), then the default `http://127.0.0.1:18789`.
    /// </summary>
    internal static class GatewaySettings
    {
        public const string DefaultUrl = "http://127.0.0.1:18789";
        /// <summary>Config keys of the owner's numbers (and the older name of the same list), of routing every sender, and of the gate's mode.</summary>
        public const string OwnerNumbersKey = "owner_numbers", AllowAnySenderKey = "allow_any_sender", ApprovalModeKey = "approval_mode";
        public static readonly string[] UrlEnv = { "OPENCLAW_GATEWAY_URL", "CLAWDBOT_GATEWAY_URL" };
        public static readonly string[] TokenEnv = { "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN" };

        /// <summary>Extra keys of `skill-config.json` that only the bridge reads.</summary>
        public const string VoiceContextKey = "voice_context", SmsAllowlistKey = "sms_allowlist", ApprovalTimeoutKey = "approval_timeout_seconds",
            NoDevicesPolicyKey = "no_devices_policy";

        /// <summary>A config value that is a JSON array of strings or one comma-separated string; empty when absent.</summary>
        public static string[] ConfigList(JObject config, string key)
        {
            var t = config[key];
            if (t == null || t.Type == JTokenType.Null) return Array.Empty<string>();
            if (t is JArray a) return a.Select(x => x.ToString().Trim()).Where(s => s.Length > 0).ToArray();
            return t.ToString().Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        }

        /// <summary>The gateway's own config file, when one exists in the user's home.</summary>
        public static (string? path, JObject? config) GatewayConfig(string? home = null)
        {
            home ??= Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) return (null, null);
            foreach (var rel in new[] { Path.Combine(".openclaw", "openclaw.json"), Path.Combine(".clawdbot", "clawdbot.json") })
            {
                var p = Path.Combine(home, rel);
                if (!File.Exists(p)) continue;
                try
                {
                    if (Json.Parse(File.ReadAllText(p)) is JObject o) return (p, o);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException) { }
                return (p, null);
            }
            return (null, null);
        }

        /// <param name="environment">
        /// False for a process the scheduler starts (a poller), which has neither this session's environment variables nor
        /// the values a `${NAME}` of the config refers to: those sources are passed over.
        /// </param>
        public static (string url, string source) ResolveUrl(string? parameter, JObject config, string configPath, JObject? gatewayConfig, string? gatewayConfigPath,
            bool environment = true)
        {
            if (!string.IsNullOrWhiteSpace(parameter)) return (parameter!, "parameter (-GatewayUrl)");
            var c = environment || !ConfigStore.IsReference(Json.Str(config, ConfigKeys.GatewayUrl), out _) ? ConfigStore.Resolve(config, ConfigKeys.GatewayUrl, configPath) : null;
            if (!string.IsNullOrWhiteSpace(c)) return (c!, $"config ({configPath})");
            if (environment) foreach (var name in UrlEnv)
            {
                var v = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrWhiteSpace(v)) return (v!, $"environment ({name})");
            }
            var port = Json.Int(gatewayConfig?["gateway"] as JObject, "port");
            if (port.HasValue && port > 0 && port < 65536) return ($"http://127.0.0.1:{port}", $"gateway config ({gatewayConfigPath})");
            return (DefaultUrl, "default");
        }

        /// <param name="environment">As for <see cref="ResolveUrl"/>.</param>
        public static (string? token, string source) ResolveToken(string? parameter, JObject config, string configPath, JObject? gatewayConfig, string? gatewayConfigPath,
            bool environment = true)
        {
            if (!string.IsNullOrEmpty(parameter)) return (parameter, "parameter (-GatewayToken)");
            var c = environment || !ConfigStore.IsReference(Json.Str(config, ConfigKeys.GatewayToken), out _) ? ConfigStore.Resolve(config, ConfigKeys.GatewayToken, configPath) : null;
            if (!string.IsNullOrEmpty(c)) return (c, $"config ({configPath})");
            if (environment) foreach (var name in TokenEnv)
            {
                var v = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(v)) return (v, $"environment ({name})");
            }
            var t = Json.Str(gatewayConfig?["gateway"]?["auth"] as JObject, "token");
            if (!string.IsNullOrEmpty(t) && (environment || !Gateway.GatewayConfigFile.IsUnresolvedReference(t!)))
                return (environment ? Gateway.GatewayConfigFile.ExpandEnv(t!) : t, $"gateway config ({gatewayConfigPath})");
            return (null, "none");
        }

        public static string ResolveAgentId(string? parameter, JObject config, string configPath, JObject? gatewayConfig)
        {
            if (!string.IsNullOrWhiteSpace(parameter)) return parameter!.Trim();
            var c = ConfigStore.Resolve(config, ConfigKeys.AgentId, configPath);
            if (!string.IsNullOrWhiteSpace(c)) return c!.Trim();
            if (gatewayConfig?["agents"]?["list"] is JArray list)
            {
                var agents = list.OfType<JObject>().ToList();
                var chosen = agents.FirstOrDefault(a => Json.Bool(a, "default") == true) ?? agents.FirstOrDefault();
                var id = Json.Str(chosen, "id");
                if (!string.IsNullOrWhiteSpace(id)) return id!;
            }
            return "main";
        }

        /// <summary>
        /// Parses and normalises a gateway URL: http(s) only, no credentials, and the path of an older client's setting
        /// (`…/v1/chat/completions`, `…/tools/invoke`) cut back to the gateway's root.
        /// </summary>
        public static Uri ParseUrl(string text)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
                throw Errors.Terminating(ErrorIds.InvalidGatewayUrl, ErrorCategory.InvalidArgument, $"'{text}' is not an http:// or https:// gateway URL.", text);
            if (!string.IsNullOrEmpty(uri.UserInfo))
                throw Errors.Terminating(ErrorIds.InvalidGatewayUrl, ErrorCategory.InvalidArgument, "The gateway URL must not carry credentials; give the token with -GatewayToken.", uri.Host);
            var path = uri.AbsolutePath.TrimEnd('/');
            foreach (var suffix in new[] { "/v1/chat/completions", "/tools/invoke" })
                if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) path = path.Substring(0, path.Length - suffix.Length);
            var b = new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" };
            return b.Uri;
        }

        /// <summary>The token travels as a bearer header: plain http only to a loopback gateway, unless allowed.</summary>
        public static void CheckSecure(Uri gateway, bool hasToken, bool allowInsecure)
        {
            if (gateway.Scheme == Uri.UriSchemeHttps || allowInsecure || !hasToken || ConnectionResolver.IsLoopback(gateway)) return;
            throw Errors.Terminating(ErrorIds.InsecureGateway, ErrorCategory.SecurityError,
                $"Refusing to send the gateway token over plain http:// to {gateway.Host}. Use https://, a loopback address, or -AllowInsecureGateway.", gateway.Host);
        }

        /// <summary>
        /// The owner's numbers in the config: `owner_numbers` and the older `sms_allowlist` (one list under two names, merged),
        /// each a JSON array of numbers or one comma-separated string; as written, not yet checked.
        /// </summary>
        public static string[] ConfigOwnerNumbers(JObject config) =>
            ConfigList(config, OwnerNumbersKey).Concat(ConfigList(config, SmsAllowlistKey)).Distinct().ToArray();

        /// <summary>Numbers in E.164 form, each checked (InvalidPhoneNumber names the one that is not a number and where it came from).</summary>
        public static HashSet<string> CheckedNumbers(IEnumerable<string> numbers, string source)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in numbers)
            {
                var e164 = PhoneText.Normalize(n);
                if (e164 == null)
                    throw Errors.Terminating(ErrorIds.InvalidPhoneNumber, ErrorCategory.InvalidArgument, $"'{n}' in {source} is not a phone number in E.164 form (+15551234567).", n);
                set.Add(e164);
            }
            return set;
        }
    }
}
