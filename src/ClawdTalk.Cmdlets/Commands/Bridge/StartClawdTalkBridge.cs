using System.Management.Automation.Runspaces;
using System.Security;
using ClawdTalk.Bridge;
using ClawdTalk.Config;

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
            if (Wait && Detached) throw Errors.Terminating(ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, "Give -Wait or -Detached, not both.");
            if (Executable != null && !Detached) throw Errors.Terminating(ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, "-Executable is used with -Detached only.");
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
                    throw Errors.Terminating(ErrorIds.InvalidLogPath, ErrorCategory.WriteError, $"The bridge log file {o.LogPath} cannot be written: {ex.Message}", o.LogPath, ex);
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

            if (Wait) BridgeHosting.RunInForeground(this, runner, bridgeLock, file, RunMode, Drain);
            else WriteObject(StartJob(this, runner, bridgeLock, file));
        }

        /// <summary>Starts a runner as a job of this session (also what Restart-ClawdTalkBridge does): Bridge/BridgeHosting.</summary>
        internal static BridgeJob StartJob(ClawdTalkCmdlet cmdlet, BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file, BridgeJob? replaces = null) =>
            BridgeHosting.StartJob(cmdlet, runner, bridgeLock, file, replaces);

        /// <summary>A gateway the probe found unusable now is a warning (it may start later); one that refuses the bridge stops it (BridgeStartRequest.GatewayProblem).</summary>
        void CheckGateway(BridgeOptions o, GatewayException? problem)
        {
            if (BridgeStartRequest.GatewayProblem(o, problem) is string warning) WriteWarning(warning);
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
            var spec = BridgeLaunchSpec.For(Executable == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Executable), Pollers.PollerSupport.ModuleBase(MyInvocation.MyCommand.Module), args.Trim());
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

        /// <summary>The bridge's options: this command's parameters over the configuration (Bridge/BridgeStartRequest).</summary>
        BridgeOptions BuildOptions(out ApiClient api, out ClawdTalkConnection connection)
        {
            connection = ConnectionResolver.Resolve(Session);
            var bound = MyInvocation.BoundParameters;
            var o = new BridgeStartRequest
            {
                Name = Name, GatewayUrl = GatewayUrl, GatewayToken = GatewayToken, AllowInsecureGateway = AllowInsecureGateway, AgentId = AgentId,
                OwnerName = OwnerName, AgentName = AgentName, Greeting = Greeting, VoiceContext = VoiceContext, OwnerNumber = OwnerNumber,
                AllowAnySender = AllowAnySender, AddApprovalWord = AddApprovalWord, RemoveApprovalWord = RemoveApprovalWord,
                ApprovalMode = bound.ContainsKey(nameof(ApprovalMode)) ? ApprovalMode : null,
                ApprovalTimeoutSec = bound.ContainsKey(nameof(ApprovalTimeoutSec)) ? ApprovalTimeoutSec : null,
                NoDevicesPolicy = bound.ContainsKey(nameof(NoDevicesPolicy)) ? NoDevicesPolicy : null,
                ReconnectDelay = ReconnectDelay, MaxReconnectDelay = MaxReconnectDelay, RateLimitDelay = RateLimitDelay, StablePeriod = StablePeriod,
                KeepAliveInterval = KeepAliveInterval, KeepAliveTimeout = KeepAliveTimeout, ApprovalPollInterval = ApprovalPollInterval,
                VerboseLog = IsOn("Verbose", "VerbosePreference"), DebugLog = IsOn("Debug", "DebugPreference"),
                LogPath = LogPath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogPath) : null,
                LogMaxSizeMB = LogMaxSizeMB, LogFileCount = LogFileCount, Wait = Wait, RunMode = RunMode,
            }.Build(connection);
            api = Session.ClientFor(connection);
            return o;
        }

        bool IsOn(string parameter, string preference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out var v)) return v is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(v);
            return GetVariableValue(preference) is ActionPreference p && (p == ActionPreference.Continue || p == ActionPreference.Inquire);
        }
    }
}
