using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    /// <summary>An approval request's state on the service.</summary>
    public enum ApprovalStatus { Pending, Approved, Denied, Expired, Unknown }

    /// <summary>
    /// What Request-ClawdTalkApproval came to. Only <see cref="Approved"/> (Decision Approved) means go ahead: every error,
    /// timeout or unknown answer is a non-approved decision.
    /// </summary>
    public sealed class ApprovalResult
    {
        public string? RequestId { get; internal set; }
        public string Action { get; internal set; } = "";
        public string? Details { get; internal set; }
        /// <summary>Approved, Denied, Timeout (also for expired), NoDevices, NoDevicesReached; Pending with -NoWait; Error when the request or the wait failed.</summary>
        public ApprovalDecision Decision { get; internal set; }
        /// <summary>True only for an approval the owner gave.</summary>
        public bool Approved { get; internal set; }
        public int DevicesNotified { get; internal set; }
        public int DevicesFailed { get; internal set; }
        public bool RequireBiometric { get; internal set; }
        public DateTimeOffset? RequestedAt { get; internal set; }
        public DateTimeOffset? DecidedAt { get; internal set; }
        /// <summary>The ErrorId of the failure behind a Decision of Error.</summary>
        public string? ErrorId { get; internal set; }

        public override string ToString() => Decision.ToString();
    }

    /// <summary>An approval request as the service lists it (`GET /approvals`, `GET /approvals/{id}`).</summary>
    public sealed class ApprovalRequest
    {
        public string RequestId { get; internal set; } = "";
        public ApprovalStatus Status { get; internal set; }
        public string? StatusText { get; internal set; }
        public string? Action { get; internal set; }
        public object? Details { get; internal set; }
        public bool? RequireBiometric { get; internal set; }
        public int? DevicesNotified { get; internal set; }
        public int? DevicesFailed { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? ExpiresAt { get; internal set; }
        public DateTimeOffset? RespondedAt { get; internal set; }
        public object? Raw { get; internal set; }

        public override string ToString() => RequestId;

        internal static ApprovalRequest FromJson(JObject o, string? fallbackId = null)
        {
            var text = Json.Str(o, "status", "decision");
            return new ApprovalRequest
            {
                RequestId = Json.Str(o, "request_id", "id") ?? fallbackId ?? "",
                Status = ParseStatus(text),
                StatusText = text,
                Action = Json.Str(o, "action"),
                Details = Json.ToPowerShell(o["details"]),
                RequireBiometric = Json.Bool(o, "require_biometric", "biometric"),
                DevicesNotified = Json.Int(o, "devices_notified"),
                DevicesFailed = Json.Int(o, "devices_failed"),
                CreatedAt = Json.Date(o, "created_at", "requested_at"),
                ExpiresAt = Json.Date(o, "expires_at"),
                RespondedAt = Json.Date(o, "responded_at", "decided_at"),
                Raw = Json.ToPowerShell(o),
            };
        }

        internal static ApprovalStatus ParseStatus(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
        {
            "pending" => ApprovalStatus.Pending,
            "approved" => ApprovalStatus.Approved,
            "denied" or "rejected" => ApprovalStatus.Denied,
            "expired" or "timeout" => ApprovalStatus.Expired,
            _ => ApprovalStatus.Unknown,
        };
    }
}
