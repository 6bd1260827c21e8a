namespace ClawdTalk
{
    /// <summary>Where the bridge's connection to the service stands.</summary>
    public enum BridgeState { Connecting, Authenticated, Reconnecting, Stopped }

    /// <summary>How important a bridge log record is; Debug records may carry message bodies (only with -Debug).</summary>
    public enum BridgeLogLevel { Debug, Verbose, Information, Warning, Error }

    /// <summary>What the approval gate does when the owner has no device to approve on (`no_devices`).</summary>
    public enum NoDevicesPolicy
    {
        /// <summary>Ask the caller to confirm by voice (or the texter by a reply); run only after an explicit yes.</summary>
        AskCaller,
        /// <summary>Run the action, as the published client does.</summary>
        Proceed,
        /// <summary>Never run a sensitive action without a device approval.</summary>
        Deny,
    }

    /// <summary>How strict the bridge's approval gate is (Start-ClawdTalkBridge -ApprovalMode, config key `approval_mode`).</summary>
    public enum ApprovalMode
    {
        /// <summary>Requests whose intent is sensitive (deleting, money, sending as the owner, secrets, systems and commands) ask for approval.</summary>
        Intent,
        /// <summary>Anything that is not a question asks for approval, and so do sensitive questions.</summary>
        Strict,
    }

    /// <summary>Whether the bridge's agent gateway takes its token and allows sessions_send, as the bridge last found it.</summary>
    public enum GatewayState
    {
        /// <summary>Not probed yet.</summary>
        Unknown,
        /// <summary>The gateway accepted the token and allows sessions_send.</summary>
        Ready,
        /// <summary>The gateway refused the token (none given, or a wrong one).</summary>
        Unauthorized,
        /// <summary>The gateway does not allow sessions_send (gateway.tools.allow).</summary>
        ToolNotAllowed,
        /// <summary>Nothing answered at the gateway's address.</summary>
        Unreachable,
        /// <summary>The gateway answered with an error.</summary>
        Failing,
    }

    /// <summary>A number whose texts the bridge did not route to the agent (not an owner number): Get-ClawdTalkBridge's IgnoredSenders.</summary>
    public sealed class BridgeSender
    {
        public string Number { get; internal set; } = "";
        public int Texts { get; internal set; }
        public DateTimeOffset FirstSeen { get; internal set; }
        public DateTimeOffset LastSeen { get; internal set; }

        public override string ToString() => $"{Number} ({Texts} text{(Texts == 1 ? "" : "s")}, last {LastSeen:u})";
    }

    /// <summary>One structured log record of a bridge: on Receive-Job, in -Wait output and in the log file.</summary>
    public sealed class BridgeLogRecord
    {
        public DateTimeOffset Time { get; internal set; }
        public BridgeLogLevel Level { get; internal set; }
        /// <summary>A stable event name: `connected`, `authenticated`, `deep_tool_request`, `reconnect_scheduled`, …</summary>
        public string Event { get; internal set; } = "";
        public string Message { get; internal set; } = "";
        public string? CallId { get; internal set; }
        public string? RequestId { get; internal set; }
        /// <summary>A stable ErrorId when the record reports a failure (`GatewayToolNotAllowed`, `ApprovalTimeout`, …).</summary>
        public string? ErrorId { get; internal set; }
        /// <summary>How long the step took, when it is a timed step.</summary>
        public double? DurationMs { get; internal set; }
        /// <summary>Event-specific values (never secrets; message bodies only with -Debug).</summary>
        public IDictionary<string, object?>? Data { get; internal set; }
        /// <summary>The bridge that wrote it.</summary>
        public string Bridge { get; internal set; } = "";

        public override string ToString() => $"{Time:yyyy-MM-ddTHH:mm:ss.fffZ} {Level} {Event}: {Message}";
    }

    /// <summary>A snapshot of a bridge: Get-ClawdTalkBridge.</summary>
    public sealed class BridgeStatus
    {
        /// <summary>The job's session id (Get-Job -Id); 0 for a bridge running in the foreground (-Wait).</summary>
        public int Id { get; internal set; }
        public Guid InstanceId { get; internal set; }
        public string Name { get; internal set; } = "";
        public BridgeState State { get; internal set; }
        /// <summary>When the bridge entered its current state.</summary>
        public DateTimeOffset Since { get; internal set; }
        public DateTimeOffset StartedAt { get; internal set; }
        public int ReconnectCount { get; internal set; }
        public int CallsInProgress { get; internal set; }
        public long RequestsReceived { get; internal set; }
        public long RequestsAnswered { get; internal set; }
        public long SmsReplies { get; internal set; }
        public string? LastError { get; internal set; }
        public string? LastErrorId { get; internal set; }
        public Uri? Server { get; internal set; }
        public Uri? GatewayUrl { get; internal set; }
        /// <summary>Whether the gateway takes the bridge's token and allows sessions_send (probed at start, then as requests go).</summary>
        public GatewayState GatewayState { get; internal set; }
        /// <summary>What is wrong with the gateway, when something is.</summary>
        public string? GatewayProblem { get; internal set; }
        public string AgentId { get; internal set; } = "";
        /// <summary>The numbers whose texts reach the agent and whose calls are the owner's.</summary>
        public string[] OwnerNumbers { get; internal set; } = Array.Empty<string>();
        /// <summary>Texts from any number reach the agent (-AllowAnySender), strangers' marked as such.</summary>
        public bool AllowAnySender { get; internal set; }
        public ApprovalMode ApprovalMode { get; internal set; }
        /// <summary>Numbers whose texts were logged and not routed to the agent, most recent first.</summary>
        public BridgeSender[] IgnoredSenders { get; internal set; } = Array.Empty<BridgeSender>();
        /// <summary>Where the machine-wide lock (one bridge per key) lives.</summary>
        public string? LockFile { get; internal set; }
        public string? LogFile { get; internal set; }
        /// <summary>The process the bridge runs in.</summary>
        public int ProcessId { get; internal set; }
        /// <summary>How it runs: Job (this session), Foreground (-Wait), Detached (-Detached), Service (a service manager), or Process (another session).</summary>
        public string Mode { get; internal set; } = "Job";
        /// <summary>How long it has run.</summary>
        public TimeSpan Uptime => StartedAt == default ? TimeSpan.Zero : DateTimeOffset.UtcNow - StartedAt;
        /// <summary>The newest errors (at most five), oldest first.</summary>
        public BridgeError[] RecentErrors { get; internal set; } = Array.Empty<BridgeError>();
        /// <summary>The last lines of the bridge's log file (Get-ClawdTalkBridge -Tail).</summary>
        public string[] LogTail { get; internal set; } = Array.Empty<string>();
    }

    /// <summary>The service managers a bridge can be registered with.</summary>
    public enum BridgeServicePlatform { Systemd, Launchd, TaskScheduler }

    /// <summary>A bridge registered with the platform's service manager: Install- and Uninstall-ClawdTalkBridgeService.</summary>
    public sealed class BridgeServiceInfo
    {
        public string Name { get; internal set; } = "";
        public BridgeServicePlatform Platform { get; internal set; }
        /// <summary>The systemd unit, launchd plist or task XML written.</summary>
        public string UnitPath { get; internal set; } = "";
        /// <summary>The unit's name for the manager: the systemd unit, the launchd label, the task's path.</summary>
        public string UnitName { get; internal set; } = "";
        /// <summary>The environment file (0600) the bridge reads at start; secrets live there or in the configuration, never in the unit.</summary>
        public string? EnvironmentFile { get; internal set; }
        /// <summary>What the service runs (no secret in it).</summary>
        public string Command { get; internal set; } = "";
        /// <summary>Whether the manager registered and started it (false with -NoStart, or when the manager could not be reached).</summary>
        public bool Registered { get; internal set; }
        public string? Message { get; internal set; }
    }

    /// <summary>One error a bridge recorded.</summary>
    public sealed class BridgeError
    {
        public DateTimeOffset Time { get; internal set; }
        public string ErrorId { get; internal set; } = "";
        public string Message { get; internal set; } = "";

        public override string ToString() => $"{Time:u} {ErrorId}: {Message}";
    }
}
