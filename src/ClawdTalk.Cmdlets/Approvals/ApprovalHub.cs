using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
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
    /// <summary>
    /// Process-wide rendezvous for `approval.responded` frames: a running bridge publishes decisions here and any waiter
    /// (Request-ClawdTalkApproval, the bridge's own approval gate) takes them at once instead of waiting for its next poll.
    /// </summary>
    internal static class ApprovalHub
    {
        static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Waiters = new ConcurrentDictionary<string, TaskCompletionSource<string>>(StringComparer.Ordinal);

        // Request ids are unique per service, not across services (a sandbox and the real service, or two sandboxes, can
        // both issue `apr_000001`): a decision belongs to the server that sent it.
        static string KeyOf(Uri apiBase, string requestId) => apiBase.AbsoluteUri + "|" + requestId;

        static TaskCompletionSource<string> Entry(Uri apiBase, string requestId) =>
            Waiters.GetOrAdd(KeyOf(apiBase, requestId), _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

        public static Task<string> WaitAsync(Uri apiBase, string requestId) => Entry(apiBase, requestId).Task;

        public static void Publish(Uri apiBase, string requestId, string decision) => Entry(apiBase, requestId).TrySetResult(decision);

        public static void Forget(Uri apiBase, string requestId) => Waiters.TryRemove(KeyOf(apiBase, requestId), out _);
    }

    /// <summary>The result of asking the owner; carries why it is not approved when it is not.</summary>
    internal sealed class ApprovalOutcome
    {
        public string? RequestId;
        public ApprovalDecision Decision = ApprovalDecision.Error;
        public int DevicesNotified, DevicesFailed;
        public ClawdTalkException? Error;
        /// <summary>When the request was created (client clock).</summary>
        public DateTimeOffset? RequestedAt;
        /// <summary>When the decision was known: the service's `responded_at` when it gave one, else when it was seen.</summary>
        public DateTimeOffset? DecidedAt;
        /// <summary>The last status object the service returned (null when none was read, or the decision was pushed).</summary>
        public JObject? LastStatus;
        /// <summary>The service's status word behind the decision (`approved`, `expired`, …, or an unknown word).</summary>
        public string? StatusText;
    }
}
