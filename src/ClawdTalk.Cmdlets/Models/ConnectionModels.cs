namespace ClawdTalk
{
    /// <summary>The session's connection as Connect-ClawdTalk set it (the key masked).</summary>
    public sealed class ConnectionInfo
    {
        public string Server { get; internal set; } = "";
        public Uri ApiBase { get; internal set; } = null!;
        public string KeySource { get; internal set; } = "";
        /// <summary>The key, masked as `abcdef…wxyz`.</summary>
        public string ApiKey { get; internal set; } = "";
        public TimeSpan RequestTimeout { get; internal set; }
        public int MaxRetryCount { get; internal set; }
        public bool Persisted { get; internal set; }
    }

    public enum ConnectionStatus { Ok, NoApiKey, Unauthorized, Unreachable, RateLimited, Timeout, ServerError, InvalidResponse, InsecureServer, ConfigurationError }

    /// <summary>What Test-ClawdTalkConnection found.</summary>
    public sealed class ConnectionTestResult
    {
        public bool Success { get; internal set; }
        public ConnectionStatus Status { get; internal set; }
        public string? Server { get; internal set; }
        public string? KeySource { get; internal set; }
        public double? LatencyMs { get; internal set; }
        public string? ErrorId { get; internal set; }
        public string Message { get; internal set; } = "";
        /// <summary>What to do about a failure: where keys come from and which command sets one, how to reach the service…</summary>
        public string? RecommendedAction { get; internal set; }
    }

    /// <summary>The configuration file's values; secrets masked, `${ENV}` references shown as written.</summary>
    public sealed class Configuration
    {
        public string Path { get; internal set; } = "";
        public bool Exists { get; internal set; }
        public string? ApiKey { get; internal set; }
        public string? Server { get; internal set; }
        public string? OwnerName { get; internal set; }
        public string? AgentName { get; internal set; }
        public string? Greeting { get; internal set; }
        public string? GatewayUrl { get; internal set; }
        public string? GatewayToken { get; internal set; }
        public string? AgentId { get; internal set; }
        public int? MaxConversationTurns { get; internal set; }
        /// <summary>The owner's own approval words (`approval_words_add`) and the built-in ones they removed (`approval_words_remove`).</summary>
        public string[] AddApprovalWord { get; internal set; } = Array.Empty<string>();
        public string[] RemoveApprovalWord { get; internal set; } = Array.Empty<string>();
        /// <summary>The owner's numbers (`owner_numbers`, with the older `sms_allowlist`): only they reach the agent by text.</summary>
        public string[] OwnerNumber { get; internal set; } = Array.Empty<string>();
        /// <summary>`allow_any_sender`: texts from every number reach the agent (strangers' marked as such).</summary>
        public bool? AllowAnySender { get; internal set; }
        /// <summary>`approval_mode`: Intent (default) or Strict.</summary>
        public string? ApprovalMode { get; internal set; }
        /// <summary>Keys in the file that this module does not model (names only).</summary>
        public string[] OtherKeys { get; internal set; } = Array.Empty<string>();
    }
}
