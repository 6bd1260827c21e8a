namespace ClawdTalk
{
    /// <summary>What Get-ClawdTalkGateway found about the agent gateway (OpenClaw or Clawdbot). The token is never shown.</summary>
    public sealed class GatewayInfo
    {
        /// <summary>The gateway's config file (openclaw.json / clawdbot.json); the first place looked at when none exists.</summary>
        public string? ConfigPath { get; internal set; }
        public bool ConfigFound { get; internal set; }
        /// <summary>OpenClaw or Clawdbot.</summary>
        public string? Kind { get; internal set; }
        /// <summary>`gateway.port` (18789 when not set).</summary>
        public int Port { get; internal set; }
        /// <summary>The address the bridge uses for the gateway.</summary>
        public string Url { get; internal set; } = "";
        /// <summary>Where <see cref="Url"/> comes from (ClawdTalk config, environment variable, or the gateway's port).</summary>
        public string UrlSource { get; internal set; } = "";
        public bool TokenPresent { get; internal set; }
        /// <summary>Where the token the bridge would use comes from (never the token itself).</summary>
        public string? TokenSource { get; internal set; }
        public string MainAgentId { get; internal set; } = "main";
        /// <summary>The session the bridge talks to: `agent:&lt;id&gt;:main`.</summary>
        public string SessionKey { get; internal set; } = "agent:main:main";
        public string? Workspace { get; internal set; }
        public bool WorkspaceExists { get; internal set; }
        /// <summary>True when `sessions_send` is in `gateway.tools.allow` (without it deep tool calls fail with 404).</summary>
        public bool SessionsSendAllowed { get; internal set; }
        /// <summary>`gateway.tools.allow` as written.</summary>
        public string[] GatewayToolsAllow { get; internal set; } = Array.Empty<string>();
        /// <summary>True when the top-level `tools.allow` lists `sessions_send` (which restricts the agent's own tools).</summary>
        public bool TopLevelToolsAllowHasSessionsSend { get; internal set; }
        /// <summary>Whether the gateway answered an HTTP request (null with -Offline).</summary>
        public bool? Reachable { get; internal set; }
        public int? HttpStatus { get; internal set; }
        public string? ProbeMessage { get; internal set; }
        /// <summary>The owner's name from the workspace's USER.md.</summary>
        public string? DetectedOwnerName { get; internal set; }
        /// <summary>The agent's name from the workspace's IDENTITY.md.</summary>
        public string? DetectedAgentName { get; internal set; }
        public string? OwnerNameSource { get; internal set; }
        public string? AgentNameSource { get; internal set; }
        /// <summary>What stands between this setup and a working bridge, with what to do about it.</summary>
        public string[] Problems { get; internal set; } = Array.Empty<string>();
        /// <summary>True when nothing is in <see cref="Problems"/>.</summary>
        public bool Ready => Problems.Length == 0;

        public override string ToString() => Url;
    }

    /// <summary>What Grant-ClawdTalkGatewayTool did to the gateway's config file.</summary>
    public sealed class GatewayToolGrant
    {
        public string ConfigPath { get; internal set; } = "";
        public string Tool { get; internal set; } = "";
        /// <summary>False when the tool was already allowed (the file was not touched).</summary>
        public bool Changed { get; internal set; }
        /// <summary>The copy of the file as it was before the change.</summary>
        public string? BackupPath { get; internal set; }
        /// <summary>`gateway.tools.allow` after the change.</summary>
        public string[] GatewayToolsAllow { get; internal set; } = Array.Empty<string>();
    }

    /// <summary>One view of the whole setup (the published status.sh): configuration, key (masked), service, bridge, gateway and pollers.</summary>
    public sealed class StatusReport
    {
        public string ConfigPath { get; internal set; } = "";
        public bool ConfigExists { get; internal set; }
        /// <summary>The REST base the module uses.</summary>
        public string? Server { get; internal set; }
        /// <summary>The API key, masked as `abcdef…wxyz`.</summary>
        public string? ApiKey { get; internal set; }
        public string? KeySource { get; internal set; }
        /// <summary>Ok, NoApiKey, Unauthorized, Unreachable… (NotTested with -Offline).</summary>
        public string Connection { get; internal set; } = "";
        public string? ConnectionMessage { get; internal set; }
        public double? LatencyMs { get; internal set; }
        public string? OwnerName { get; internal set; }
        public string? AgentName { get; internal set; }
        /// <summary>The voice bridge: Running, NotRunning, … or Unknown when this module has no bridge to ask.</summary>
        public string BridgeState { get; internal set; } = "Unknown";
        public string? BridgeDetail { get; internal set; }
        /// <summary>The last lines of the bridge's log (its own or another process's).</summary>
        public string[] BridgeLog { get; internal set; } = Array.Empty<string>();
        /// <summary>Every bridge that runs on this machine for this user (this session's, detached ones, services), with the gateway each uses.</summary>
        public BridgeStatus[] Bridges { get; internal set; } = Array.Empty<BridgeStatus>();
        /// <summary>Ready, NotConfigured, ToolNotAllowed, NoToken, Unreachable, Invalid: the gateway the configuration names (the running bridges' are in Bridges).</summary>
        public string GatewayState { get; internal set; } = "";
        public GatewayInfo? Gateway { get; internal set; }
        public int PollerCount { get; internal set; }
        public PollerInfo[] Pollers { get; internal set; } = Array.Empty<PollerInfo>();
        public string? PollerBackend { get; internal set; }
        /// <summary>What this setup is used for: calls and texts, missions, inbound calls and texts (a bridge), notices to the agent.</summary>
        public string[] Uses { get; internal set; } = Array.Empty<string>();
        /// <summary>What needs fixing for what is used (Healthy is false when there is any).</summary>
        public string[] Problems { get; internal set; } = Array.Empty<string>();
        /// <summary>What the parts not used yet would need (never a problem: an account that only calls and texts needs no gateway).</summary>
        public string[] NotSetUp { get; internal set; } = Array.Empty<string>();
        public bool Healthy => Problems.Length == 0;
    }
}
