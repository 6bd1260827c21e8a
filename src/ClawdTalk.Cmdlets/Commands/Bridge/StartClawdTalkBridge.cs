using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Bridge;
using ClawdTalk.Commands.Base;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Starts the voice and SMS bridge: inbound calls, texts and push-to-talk from the service, routed to the local agent
    /// gateway. As a job by default; in the foreground until Ctrl+C with -Wait (for services).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "ClawdTalkBridge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BridgeJob), typeof(BridgeLogRecord))]
    public sealed class StartClawdTalkBridgeCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidatePattern(@"^[\w.-]{1,64}$")]
        public string Name { get; set; } = "ClawdTalkBridge";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GatewayUrl { get; set; }

        [Parameter]
        public SecureString? GatewayToken { get; set; }

        [Parameter]
        public SwitchParameter AllowInsecureGateway { get; set; }

        [Parameter]
        [ValidatePattern("^[A-Za-z0-9_.-]{1,100}$")]
        public string? AgentId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OwnerName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AgentName { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Greeting { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? VoiceContext { get; set; }

        [Parameter]
        [Alias("SmsAllowlist")]
        [ValidateNotNullOrEmpty]
        public string[]? AllowedSmsSender { get; set; }

        [Parameter]
        [ValidateRange(2, 3600)]
        public int ApprovalTimeoutSec { get; set; }

        [Parameter]
        public NoDevicesPolicy NoDevicesPolicy { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddApprovalWord { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveApprovalWord { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogPath { get; set; }

        [Parameter]
        [ValidateRange(1, 1024)]
        public int LogMaxSizeMB { get; set; } = 10;

        [Parameter]
        [ValidateRange(1, 100)]
        public int LogFileCount { get; set; } = 5;

        [Parameter]
        public SwitchParameter Wait { get; set; }

        // advanced: the contract's connection timings, shortened by tests and demos
        [Parameter(DontShow = true)] public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
        [Parameter(DontShow = true)] public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(180);
        [Parameter(DontShow = true)] public TimeSpan RateLimitDelay { get; set; } = TimeSpan.FromSeconds(60);
        [Parameter(DontShow = true)] public TimeSpan StablePeriod { get; set; } = TimeSpan.FromSeconds(60);
        [Parameter(DontShow = true)] public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
        [Parameter(DontShow = true)] public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);
        [Parameter(DontShow = true)] public TimeSpan ApprovalPollInterval { get; set; } = TimeSpan.FromSeconds(3);

        protected override void Process()
        {
            var o = BuildOptions(out var api);
            var target = $"{o.WebSocketUri} → agent '{o.AgentId}' at {o.GatewayUrl}";
            if (!ShouldProcess(target, "Start the ClawdTalk bridge (answer calls, texts and push-to-talk through the agent gateway)")) return;

            var bridgeLock = BridgeLock.Acquire(o.ApiKey, o.Name, o.WebSocketUri);
            RotatingLogFile? file = null;
            BridgeRunner runner;
            try
            {
                var log = new BridgeLogger(o.Name, o.VerboseLog, o.DebugLog, o.ApiKey, o.GatewayToken);
                if (o.LogPath != null)
                {
                    try { file = new RotatingLogFile(o.LogPath, o.LogMaxBytes, o.LogFileCount, o.DebugLog ? BridgeLogLevel.Debug : o.VerboseLog ? BridgeLogLevel.Verbose : BridgeLogLevel.Information); }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
                    {
                        throw Errors.Terminating("InvalidLogPath", ErrorCategory.WriteError, $"The bridge log file {o.LogPath} cannot be written: {ex.Message}", o.LogPath, ex);
                    }
                    log.Add(file);
                }
                runner = new BridgeRunner(o, api, log);
            }
            catch
            {
                bridgeLock.Dispose();
                file?.Dispose();
                throw;
            }
            if (o.GatewayToken == null)
                WriteWarning("No gateway token is configured (-GatewayToken, gateway_token, OPENCLAW_GATEWAY_TOKEN): requests to the agent gateway go without one and fail if it requires a token.");
            // -Debug on a compiled cmdlet turns every Write-Verbose/Write-Debug into a prompt: with it, records go out as objects only
            if (!o.DebugLog) WriteVerbose($"Gateway {o.GatewayUrl} ({o.GatewayUrlSource}); token from {o.GatewayTokenSource}; session key {o.SessionKey}.");

            if (Wait) RunInForeground(runner, bridgeLock, file);
            else
            {
                var job = new BridgeJob(runner, bridgeLock, file, $"Start-ClawdTalkBridge -Name {o.Name}", o.Name, this);
                // Found through its job source adapter (as ThreadJob is); adding it to JobRepository too would list it twice in Get-Job.
                var registry = Session.Feature(() => new BridgeRegistry());
                registry.StopWhenClosed(Runspace.DefaultRunspace);
                registry.Add(job);
                job.StartJob();
                WriteObject(job);
            }
        }

        BridgeOptions BuildOptions(out ApiClient api)
        {
            var connection = ConnectionResolver.Resolve(Session);
            var configPath = ModulePaths.ConfigFile;
            var config = ConfigStore.Read(configPath);
            var (gwPath, gwConfig) = GatewaySettings.GatewayConfig();
            var o = new BridgeOptions { Name = Name, WebSocketUri = connection.WebSocketUri, ApiKey = connection.ApiKey };

            string? token = GatewayToken == null ? null : SecureText.ToPlain(GatewayToken);
            if (token != null && !SecureText.IsPlausibleSecret(token))
                throw Errors.Terminating("InvalidGatewayToken", ErrorCategory.InvalidArgument, "The gateway token is empty or contains spaces or control characters.");
            var (url, urlSource) = GatewaySettings.ResolveUrl(GatewayUrl, config, configPath, gwConfig, gwPath);
            (o.GatewayToken, o.GatewayTokenSource) = GatewaySettings.ResolveToken(token, config, configPath, gwConfig, gwPath);
            o.GatewayUrl = GatewaySettings.ParseUrl(url);
            o.GatewayUrlSource = urlSource;
            GatewaySettings.CheckSecure(o.GatewayUrl, o.GatewayToken != null, AllowInsecureGateway);
            o.AgentId = GatewaySettings.ResolveAgentId(AgentId, config, configPath, gwConfig);
            if (!System.Text.RegularExpressions.Regex.IsMatch(o.AgentId, "^[A-Za-z0-9_.-]{1,100}$"))
                throw Errors.Terminating("InvalidAgentId", ErrorCategory.InvalidArgument, $"The agent id '{o.AgentId}' may hold only letters, digits, '_', '.' and '-'.", o.AgentId);

            o.OwnerName = OwnerName ?? ConfigStore.Resolve(config, ConfigKeys.OwnerName, configPath);
            o.AgentName = AgentName ?? ConfigStore.Resolve(config, ConfigKeys.AgentName, configPath);
            o.Greeting = Greeting ?? (config[ConfigKeys.Greeting] != null ? ConfigStore.Resolve(config, ConfigKeys.Greeting, configPath) ?? "" : BridgeOptions.DefaultGreeting(o.OwnerName));
            o.VoiceContext = VoiceContext ?? ConfigStore.Resolve(config, GatewaySettings.VoiceContextKey, configPath)
                             ?? BridgeOptions.VoiceContextFor(BridgeOptions.DefaultVoiceContext, o.OwnerName, o.AgentName);
            // the owner's approval words: the config's and the parameter's together
            o.ApprovalWordsAdd = ApprovalWords.Checked(GatewaySettings.ConfigList(config, ConfigKeys.ApprovalWordsAdd).Concat(AddApprovalWord ?? Array.Empty<string>()));
            o.ApprovalWordsRemove = ApprovalWords.Checked(GatewaySettings.ConfigList(config, ConfigKeys.ApprovalWordsRemove).Concat(RemoveApprovalWord ?? Array.Empty<string>()));

            var senders = AllowedSmsSender ?? GatewaySettings.ConfigAllowlist(config);
            if (senders != null)
            {
                var set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in senders)
                {
                    var e164 = PhoneText.Normalize(s);
                    if (e164 == null)
                        throw Errors.Terminating("InvalidPhoneNumber", ErrorCategory.InvalidArgument, $"'{s}' in the SMS allowlist is not a phone number in E.164 form (+15551234567).", s);
                    set.Add(e164);
                }
                o.SmsAllowlist = set;
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ApprovalTimeoutSec))) o.ApprovalTimeout = TimeSpan.FromSeconds(ApprovalTimeoutSec);
            else if (Json.Int(config, GatewaySettings.ApprovalTimeoutKey) is int seconds)
            {
                if (seconds < 2 || seconds > 3600)
                    throw Errors.Terminating("InvalidConfiguration", ErrorCategory.InvalidData, $"approval_timeout_seconds in {configPath} must be 2 to 3600.", GatewaySettings.ApprovalTimeoutKey);
                o.ApprovalTimeout = TimeSpan.FromSeconds(seconds);
            }
            if (MyInvocation.BoundParameters.ContainsKey(nameof(NoDevicesPolicy))) o.NoDevices = NoDevicesPolicy;
            else if (Json.Str(config, GatewaySettings.NoDevicesPolicyKey) is string policy)
            {
                if (!Enum.TryParse<NoDevicesPolicy>(policy.Replace("_", ""), true, out var parsed))
                    throw Errors.Terminating("InvalidConfiguration", ErrorCategory.InvalidData,
                        $"no_devices_policy in {configPath} must be AskCaller, Proceed or Deny, not '{policy}'.", GatewaySettings.NoDevicesPolicyKey);
                o.NoDevices = parsed;
            }

            foreach (var (name, value) in new[] { (nameof(ReconnectDelay), ReconnectDelay), (nameof(MaxReconnectDelay), MaxReconnectDelay), (nameof(RateLimitDelay), RateLimitDelay),
                         (nameof(StablePeriod), StablePeriod), (nameof(KeepAliveInterval), KeepAliveInterval), (nameof(KeepAliveTimeout), KeepAliveTimeout),
                         (nameof(ApprovalPollInterval), ApprovalPollInterval) })
                if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
                    throw Errors.Terminating("InvalidArgument", ErrorCategory.InvalidArgument, $"-{name} must be more than zero and at most one hour.", name);
            if (MaxReconnectDelay < ReconnectDelay)
                throw Errors.Terminating("InvalidArgument", ErrorCategory.InvalidArgument, "-MaxReconnectDelay must not be shorter than -ReconnectDelay.", nameof(MaxReconnectDelay));
            o.ReconnectDelay = ReconnectDelay;
            o.MaxReconnectDelay = MaxReconnectDelay;
            o.RateLimitDelay = RateLimitDelay;
            o.StablePeriod = StablePeriod;
            o.KeepAliveInterval = KeepAliveInterval;
            o.KeepAliveTimeout = KeepAliveTimeout;
            o.ApprovalPollInterval = ApprovalPollInterval;
            if (ApprovalPollInterval > o.ApprovalTimeout) o.ApprovalPollInterval = o.ApprovalTimeout;

            o.VerboseLog = IsOn("Verbose", "VerbosePreference");
            o.DebugLog = IsOn("Debug", "DebugPreference");
            if (LogPath != null)
            {
                o.LogPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogPath);
                o.LogMaxBytes = LogMaxSizeMB * 1024L * 1024L;
                o.LogFileCount = LogFileCount;
            }
            api = Session.ClientFor(connection);
            return o;
        }

        bool IsOn(string parameter, string preference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out var v)) return v is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(v);
            return GetVariableValue(preference) is ActionPreference p && (p == ActionPreference.Continue || p == ActionPreference.Inquire);
        }

        /// <summary>-Wait: the bridge runs on this pipeline until Ctrl+C (or a fatal stop), writing its records as it goes.</summary>
        void RunInForeground(BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file)
        {
            runner.Log.Add(new ForegroundSink(this, runner.Log.VerboseEnabled, runner.Options.DebugLog));
            try
            {
                Run(async ct =>
                {
                    var completion = runner.Start();
                    using (ct.Register(() => _ = runner.StopAsync()))
                        await completion.ConfigureAwait(false);
                });
            }
            finally
            {
                if (!runner.Completion.IsCompleted)
                {
                    try { runner.StopAsync().Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
                }
                bridgeLock.Dispose();
                file?.Dispose();
                Drain();
            }
            if (runner.Fatal != null)
            {
                runner.Fatal.Terminating = true;
                throw runner.Fatal;
            }
        }

        sealed class ForegroundSink : IBridgeLogSink
        {
            readonly StartClawdTalkBridgeCommand _cmd;
            readonly bool _verbose, _debug;

            public ForegroundSink(StartClawdTalkBridgeCommand cmd, bool verbose, bool debug)
            {
                _cmd = cmd;
                _verbose = verbose;
                _debug = debug;
            }

            public void Write(BridgeLogRecord r)
            {
                if (_debug)
                {
                    _cmd.Post(() => _cmd.WriteObject(r)); // every record, bodies included, and no prompt per line
                    return;
                }
                var text = $"[{r.Time:HH:mm:ss.fff}] {r.Event}: {r.Message}";
                if (r.Level >= BridgeLogLevel.Information) _cmd.Post(() => _cmd.WriteObject(r));
                if (r.Level == BridgeLogLevel.Warning) _cmd.Post(() => _cmd.WriteWarning(text));
                if (_verbose && r.Level >= BridgeLogLevel.Verbose) _cmd.Post(() => _cmd.WriteVerbose(text));
                if (r.Level == BridgeLogLevel.Debug) _cmd.Post(() => _cmd.WriteDebug(text));
            }
        }
    }
}
