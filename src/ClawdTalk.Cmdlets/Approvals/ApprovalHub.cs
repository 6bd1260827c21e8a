using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

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
}
