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

        /// <summary>The owner's numbers, added to the configured ones (`owner_numbers`): only they reach the agent by text.</summary>
        [Parameter]
        [Alias("AllowedSmsSender", "SmsAllowlist")]
        [ValidateNotNullOrEmpty]
        public string[]? OwnerNumber { get; set; }

        /// <summary>Route texts from every number to the agent (strangers' marked as such): an explicit choice, with a warning.</summary>
        [Parameter]
        public SwitchParameter AllowAnySender { get; set; }

        [Parameter]
        public ApprovalMode ApprovalMode { get; set; }

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

        [Parameter]
        public SwitchParameter Detached { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Executable { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EnvironmentFile { get; set; }

        /// <summary>Set by -Detached and the service units on the command they run: how the bridge shows in Get-ClawdTalkBridge.</summary>
        [Parameter(DontShow = true)]
        [ValidateSet("Foreground", "Detached", "Service")]
        public string? RunMode { get; set; }

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
            if (Wait && Detached) throw Errors.Terminating("ConflictingParameters", ErrorCategory.InvalidArgument, "Give -Wait or -Detached, not both.");
            if (Executable != null && !Detached) throw Errors.Terminating("ConflictingParameters", ErrorCategory.InvalidArgument, "-Executable is used with -Detached only.");
            if (EnvironmentFile != null) BridgeEnvironmentFile.Load(SessionState.Path.GetUnresolvedProviderPathFromPSPath(EnvironmentFile), WriteWarning);
            var o = BuildOptions(out var api, out var connection);
            var target = $"{o.WebSocketUri} → agent '{o.AgentId}' at {o.GatewayUrl}";
            if (Detached)
            {
                StartDetached(o, connection, target);
                return;
            }
            if (!ShouldProcess(target, "Start the ClawdTalk bridge (answer calls, texts and push-to-talk through the agent gateway)")) return;

            var bridgeLock = BridgeLock.Acquire(o.ApiKey, o.Name, o.WebSocketUri);
            RotatingLogFile? file = null;
            BridgeRunner runner;
            try
            {
                var log = new BridgeLogger(o.Name, o.VerboseLog, o.DebugLog, o.ApiKey, o.GatewayToken);
                try { file = new RotatingLogFile(o.LogPath!, o.LogMaxBytes, o.LogFileCount, o.DebugLog ? BridgeLogLevel.Debug : o.VerboseLog ? BridgeLogLevel.Verbose : BridgeLogLevel.Information); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
                {
                    throw Errors.Terminating("InvalidLogPath", ErrorCategory.WriteError, $"The bridge log file {o.LogPath} cannot be written: {ex.Message}", o.LogPath, ex);
                }
                log.Add(file);
                runner = new BridgeRunner(o, api, log);
            }
            catch
            {
                bridgeLock.Dispose();
                file?.Dispose();
                throw;
            }
            try { CheckGateway(o, Run(ct => runner.ProbeGatewayAsync(ct))); }
            catch
            {
                bridgeLock.Dispose();
                file?.Dispose();
                throw;
            }
            if (RunMode == null && !Wait)
                foreach (var (level, _, text) in BridgeRunner.SenderPolicyLines(o, o.OwnerNumbers.OrderBy(n => n, StringComparer.Ordinal).ToArray()))
                    if (level == BridgeLogLevel.Warning) WriteWarning(text);
            // -Debug on a compiled cmdlet turns every Write-Verbose/Write-Debug into a prompt: with it, records go out as objects only
            if (!o.DebugLog) WriteVerbose($"Gateway {o.GatewayUrl} ({o.GatewayUrlSource}); token from {o.GatewayTokenSource}; session key {o.SessionKey}; log {o.LogPath}.");

            if (Wait) RunInForeground(runner, bridgeLock, file);
            else WriteObject(StartJob(this, runner, bridgeLock, file));
        }

        /// <summary>Starts a runner as a job of this session (also what Restart-ClawdTalkBridge does for a job).</summary>
        /// <summary>Starts a bridge as a job of this session; <paramref name="replaces"/> is the stopped job it takes over from (a restart).</summary>
        internal static BridgeJob StartJob(ClawdTalkCmdlet cmdlet, BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file, BridgeJob? replaces = null)
        {
            var o = runner.Options;
            var files = new Disposables();
            files.Add(file);
            var job = new BridgeJob(runner, bridgeLock, files, $"Start-ClawdTalkBridge -Name {o.Name}", o.Name, cmdlet);
            files.Insert(new BridgeStatusFile(runner, job.InstanceId, null, _ => job.StopJob()));
            // Found through its job source adapter (as ThreadJob is); adding it to JobRepository too would list it twice in Get-Job.
            var registry = cmdlet.Session.Feature(() => new BridgeRegistry());
            registry.StopWhenClosed(Runspace.DefaultRunspace);
            registry.Add(job);
            if (replaces != null)
            {
                replaces.HandOverTo(job);
                registry.Remove(replaces);
            }
            job.StartJob();
            return job;
        }

        /// <summary>
        /// What the gateway probe found, decided on before anything connects: a gateway that refuses the token (or wants one
        /// and got none) or does not allow sessions_send is a terminating error with its ErrorId, since no request could reach
        /// the agent; one that cannot be reached now is a warning (it may start later), and the bridge's state shows it.
        /// </summary>
        void CheckGateway(BridgeOptions o, GatewayException? problem)
        {
            if (problem == null) return;
            if (problem.ErrorId == "GatewayUnauthorized" || problem.ErrorId == "GatewayToolNotAllowed")
            {
                var message = problem.ErrorId == "GatewayUnauthorized" && o.GatewayToken == null
                    ? $"The agent gateway at {o.GatewayUrl} requires a token and none was given (HTTP {problem.Status}): set gateway_token (Set-ClawdTalkConfiguration -GatewayToken), " +
                      "OPENCLAW_GATEWAY_TOKEN or -GatewayToken to the gateway's gateway.auth.token. The bridge did not start."
                    : problem.Message + " The bridge did not start.";
                throw new ClawdTalkException(problem.ErrorId, problem.Category, message, o.GatewayUrl.GetLeftPart(UriPartial.Authority)) { Terminating = true };
            }
            WriteWarning($"The agent gateway cannot be used now ({problem.ErrorId}): {problem.Message} The bridge starts; Get-ClawdTalkBridge shows the gateway's state.");
        }

        /// <summary>-Detached: checked here, then run by a process of its own that outlives this session.</summary>
        void StartDetached(BridgeOptions o, ClawdTalkConnection connection, string target)
        {
            using (BridgeLock.Acquire(o.ApiKey, o.Name, o.WebSocketUri)) { } // fails now, with where the other bridge runs, if one does
            var skip = new[] { nameof(Detached), nameof(Executable), nameof(GatewayToken), nameof(Wait), nameof(RunMode), nameof(EnvironmentFile), nameof(LogPath),
                "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable", "InformationVariable",
                "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm" };
            var args = BridgeLaunchSpec.ForwardedArguments(MyInvocation.BoundParameters, skip) + " -RunMode Detached -LogPath " + ClawdTalk.Pollers.CommandLine.QuotePs(o.LogPath!)
                       + (o.VerboseLog ? " -Verbose" : "");
            var spec = BridgeLaunchSpec.For(Executable == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Executable), Polling.PollerSupport.ModuleBase(MyInvocation.MyCommand.Module), args.Trim());
            if (!ShouldProcess(target, $"Start the ClawdTalk bridge in a process of its own ({spec.Program})")) return;
            CheckGateway(o, Run(ct => new GatewayClient(o.GatewayUrl, o.GatewayToken).TryProbeAsync(ct)));
            foreach (var (level, _, text) in BridgeRunner.SenderPolicyLines(o, o.OwnerNumbers.OrderBy(n => n, StringComparer.Ordinal).ToArray()))
                if (level == BridgeLogLevel.Warning) WriteWarning(text);
            var hash = BridgeLock.KeyHash(o.ApiKey);
            var secrets = new Dictionary<string, string?>
            {
                [ConnectionResolver.KeyEnv] = o.ApiKey, [ConnectionResolver.UrlEnv] = connection.ApiBase.AbsoluteUri,
                [BridgeLaunchSpec.GatewayTokenEnv] = GatewayToken == null ? null : SecureText.ToPlain(GatewayToken),
            };
            WriteVerbose($"Starting {spec.Program} {string.Join(" ", spec.Arguments)}");
            var process = spec.Launch(secrets, BridgeFiles.Console(hash));
            var status = Run(ct => Task.Run(() => BridgeLaunchSpec.WaitStarted(process, hash, TimeSpan.FromSeconds(60), ct), ct));
            status.LogTail = BridgeFiles.Tail(status.LogFile, 5);
            WriteObject(status);
        }

        BridgeOptions BuildOptions(out ApiClient api, out ClawdTalkConnection connection)
        {
            connection = ConnectionResolver.Resolve(Session);
            var configPath = ModulePaths.ConfigFile;
            var config = ConfigStore.Read(configPath);
            var (gwPath, gwConfig) = GatewaySettings.GatewayConfig();
            var o = new BridgeOptions { Name = Name, WebSocketUri = connection.WebSocketUri, ApiKey = connection.ApiKey };

            // a detached bridge gets a -GatewayToken of its starter through its environment (never its arguments)
            var fromLauncher = GatewayToken == null ? Environment.GetEnvironmentVariable(BridgeLaunchSpec.GatewayTokenEnv) : null;
            string? token = GatewayToken == null ? (string.IsNullOrEmpty(fromLauncher) ? null : fromLauncher) : SecureText.ToPlain(GatewayToken);
            if (token != null && !SecureText.IsPlausibleSecret(token))
                throw Errors.Terminating("InvalidGatewayToken", ErrorCategory.InvalidArgument, "The gateway token is empty or contains spaces or control characters.");
            var (url, urlSource) = GatewaySettings.ResolveUrl(GatewayUrl, config, configPath, gwConfig, gwPath);
            (o.GatewayToken, o.GatewayTokenSource) = GatewaySettings.ResolveToken(token, config, configPath, gwConfig, gwPath);
            if (token != null && GatewayToken == null) o.GatewayTokenSource = $"the starting session (-GatewayToken, via {BridgeLaunchSpec.GatewayTokenEnv})";
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

            // the owner's numbers: the config's (owner_numbers and the older sms_allowlist, one list) and the parameter's together
            o.OwnerNumbers = GatewaySettings.CheckedNumbers(GatewaySettings.ConfigOwnerNumbers(config), $"owner_numbers of {configPath}");
            if (OwnerNumber != null) o.OwnerNumbers.UnionWith(GatewaySettings.CheckedNumbers(OwnerNumber, "-OwnerNumber"));
            o.AllowAnySender = AllowAnySender || Json.Bool(config, GatewaySettings.AllowAnySenderKey) == true;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ApprovalMode))) o.ApprovalMode = ApprovalMode;
            else if (Json.Str(config, GatewaySettings.ApprovalModeKey) is string mode)
            {
                if (!Enum.TryParse<ApprovalMode>(mode, true, out var parsedMode) || int.TryParse(mode, out _))
                    throw Errors.Terminating("InvalidConfiguration", ErrorCategory.InvalidData, $"approval_mode in {configPath} must be Intent or Strict, not '{mode}'.", GatewaySettings.ApprovalModeKey);
                o.ApprovalMode = parsedMode;
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
            // a rotated log always: -LogPath, else the bridge folder's <key hash>.log (no secret is ever written to it)
            o.LogPath = LogPath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogPath) : BridgeFiles.DefaultLog(BridgeLock.KeyHash(o.ApiKey));
            o.LogMaxBytes = LogMaxSizeMB * 1024L * 1024L;
            o.LogFileCount = LogFileCount;
            o.Mode = RunMode ?? (Wait ? "Foreground" : "Job");
            api = Session.ClientFor(connection);
            return o;
        }

        bool IsOn(string parameter, string preference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out var v)) return v is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(v);
            return GetVariableValue(preference) is ActionPreference p && (p == ActionPreference.Continue || p == ActionPreference.Inquire);
        }

        /// <summary>
        /// -Wait: the bridge runs on this pipeline until Ctrl+C, a fatal stop, or a stop request from another session,
        /// writing its records as it goes (a detached or service bridge writes them to its log file only).
        /// </summary>
        void RunInForeground(BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file)
        {
            var quiet = RunMode == "Detached" || RunMode == "Service";
            if (!quiet) runner.Log.Add(new ForegroundSink(this, runner.Log.VerboseEnabled, runner.Options.DebugLog));
            var restart = false;
            var launch = BridgeLaunchSpec.FromJson(Environment.GetEnvironmentVariable(BridgeLaunchSpec.LaunchEnv));
            var statusFile = new BridgeStatusFile(runner, Guid.NewGuid(), RunMode == "Detached" ? launch?.ToJson() : null, r =>
            {
                restart = r;
                _ = runner.StopAsync();
            });
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
                statusFile.Dispose();
                bridgeLock.Dispose();
                file?.Dispose();
                if (!quiet) Drain();
            }
            if (runner.Fatal != null)
            {
                runner.Fatal.Terminating = true;
                throw runner.Fatal;
            }
            if (!restart) return;
            if (RunMode == "Detached" && launch != null)
            {
                // the same program and arguments; this process's environment (the key, a gateway token) goes with it
                var hash = BridgeLock.KeyHash(runner.Options.ApiKey);
                var p = launch.Launch(new Dictionary<string, string?>(), BridgeFiles.Console(hash));
                runner.Log.Write(BridgeLogLevel.Information, "restarted", $"Restarted as process {p.Id}.");
                return;
            }
            // under a service manager: a failed exit makes it start the bridge again (Restart=on-failure, KeepAlive, RestartOnFailure)
            throw new ClawdTalkException("BridgeRestartRequested", ErrorCategory.OperationStopped,
                "Another session asked the bridge to restart; it stopped so that its service manager starts it again.", runner.Options.Name) { Terminating = true };
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
