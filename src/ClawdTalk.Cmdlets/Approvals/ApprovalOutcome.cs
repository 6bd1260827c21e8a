using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    /// <summary>
    /// What an owner approval came to. Only <see cref="Approved"/> lets an action run. <see cref="Pending"/> is what
    /// Request-ClawdTalkApproval -NoWait reports for a request that reached a device and is not answered yet.
    /// </summary>
    public enum ApprovalDecision { Approved, Denied, Timeout, NoDevices, NoDevicesReached, Error, Pending }
}

namespace ClawdTalk.Approvals
{
    /// <summary>The result of asking the owner; carries why it is not approved when it is not.</summary>
    internal sealed class ApprovalOutcome
    {
        public string? RequestId;
        public ApprovalDecision Decision = ApprovalDecision.Error;
        public int DevicesNotified, DevicesFailed;
        public ClawdTalkException? Error;
        /// <summary>When the request was created (client clock).</summary>
        public DateTimeOffset? RequestedAt;
        /// <summary>When the request was sent, on the monotonic clock of <see cref="ApprovalHub"/>: only decisions pushed after it answer it.</summary>
        public long SentAt;
        /// <summary>When the decision was known: the service's `responded_at` when it gave one, else when it was seen.</summary>
        public DateTimeOffset? DecidedAt;
        /// <summary>The last status object the service returned (null when none was read, or the decision was pushed).</summary>
        public JObject? LastStatus;
        /// <summary>The service's status word behind the decision (`approved`, `expired`, …, or an unknown word).</summary>
        public string? StatusText;
    }
}
