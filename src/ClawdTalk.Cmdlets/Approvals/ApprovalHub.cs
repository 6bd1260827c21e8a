using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClawdTalk.Approvals
{
    /// <summary>
    /// Process-wide rendezvous for `approval.responded` frames: a running bridge publishes decisions here and any waiter
    /// (Request-ClawdTalkApproval, the bridge's own approval gate) takes them at once instead of waiting for its next poll.
    /// A decision only answers a request that was sent before it was published: a service may issue an id again (a
    /// sandbox that was reset starts at `apr_000001` once more), and an old "approved" must never approve a new request.
    /// </summary>
    internal static class ApprovalHub
    {
        sealed class Entry
        {
            public readonly TaskCompletionSource<string> Decision = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            /// <summary>When the decision was published (Stopwatch ticks, monotonic); 0 while none has been.</summary>
            public long PublishedAt;
        }

        static readonly ConcurrentDictionary<string, Entry> Entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        // Request ids are unique per service, not across services (a sandbox and the real service, or two sandboxes, can
        // both issue `apr_000001`): a decision belongs to the server that sent it.
        static string KeyOf(Uri apiBase, string requestId) => apiBase.AbsoluteUri + "|" + requestId;

        /// <summary>A monotonic time stamp to pass to <see cref="WaitAsync"/>: take it before the request is sent.</summary>
        public static long Now() => Stopwatch.GetTimestamp();

        /// <summary>
        /// The pushed decision of a request sent at <paramref name="sentAt"/> (<see cref="Now"/>): a decision published
        /// before then belongs to an earlier request that had the same id, and is dropped.
        /// </summary>
        public static Task<string> WaitAsync(Uri apiBase, string requestId, long sentAt)
        {
            var key = KeyOf(apiBase, requestId);
            while (true)
            {
                var e = Entries.GetOrAdd(key, _ => new Entry());
                var published = Interlocked.Read(ref e.PublishedAt);
                if (published == 0 || published >= sentAt) return e.Decision.Task;
                ((ICollection<KeyValuePair<string, Entry>>)Entries).Remove(new KeyValuePair<string, Entry>(key, e)); // stale: drop it (only this entry) and look again
            }
        }

        public static void Publish(Uri apiBase, string requestId, string decision)
        {
            var key = KeyOf(apiBase, requestId);
            while (true)
            {
                var e = Entries.GetOrAdd(key, _ => new Entry());
                if (Interlocked.CompareExchange(ref e.PublishedAt, Now(), 0) == 0)
                {
                    e.Decision.TrySetResult(decision);
                    return;
                }
                // an earlier decision for this id is still held: the newest one replaces it
                if (Entries.TryUpdate(key, NewDecided(decision), e)) return;
            }
        }

        static Entry NewDecided(string decision)
        {
            var e = new Entry { PublishedAt = Now() };
            e.Decision.TrySetResult(decision);
            return e;
        }

        public static void Forget(Uri apiBase, string requestId) => Entries.TryRemove(KeyOf(apiBase, requestId), out _);
    }
}
