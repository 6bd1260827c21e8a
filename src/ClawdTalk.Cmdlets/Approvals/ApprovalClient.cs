using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Net.Http;
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

    /// <summary>
    /// Owner approvals by push notification (`POST /approvals`, `GET /approvals/{id}`), shared by Request-ClawdTalkApproval
    /// and the bridge's approval gate. Fails closed: any error, an unknown status or the end of the wait is never Approved.
    /// </summary>
    internal static class ApprovalClient
    {
        public static async Task<ApprovalOutcome> RequestAsync(ApiClient api, string action, string? details, bool biometric, TimeSpan timeout,
            CancellationToken ct, Action<string>? log = null)
        {
            var outcome = new ApprovalOutcome();
            var body = new JObject { ["action"] = action, ["require_biometric"] = biometric, ["expires_in"] = (int)Math.Ceiling(timeout.TotalSeconds) };
            if (!string.IsNullOrEmpty(details)) body["details"] = details;
            try
            {
                outcome.RequestedAt = DateTimeOffset.UtcNow;
                var created = Json.Unwrap(await api.SendAsync(HttpMethod.Post, "approvals", body, RequestKind.Create, ct, log, "Approval").ConfigureAwait(false), "approval");
                outcome.RequestId = Json.Str(created, "request_id", "id");
                outcome.DevicesNotified = Json.Int(created, "devices_notified") ?? 0;
                outcome.DevicesFailed = Json.Int(created, "devices_failed") ?? 0;
                if (outcome.RequestId == null)
                    throw new ClawdTalkException("InvalidServerResponse", ErrorCategory.InvalidResult, "The service did not return an approval request id.");
                if (outcome.DevicesNotified == 0)
                {
                    outcome.Decision = outcome.DevicesFailed > 0 ? ApprovalDecision.NoDevicesReached : ApprovalDecision.NoDevices;
                    outcome.DecidedAt = outcome.RequestedAt;
                }
                else outcome.Decision = ApprovalDecision.Timeout; // pending until WaitAsync says otherwise
            }
            catch (ClawdTalkException ex)
            {
                outcome.Decision = ApprovalDecision.Error;
                outcome.Error = ex;
            }
            return outcome;
        }

        /// <summary>Waits for the owner's answer: the bridge's push (ApprovalHub) or a poll, whichever comes first.</summary>
        public static async Task WaitAsync(ApiClient api, ApprovalOutcome outcome, TimeSpan timeout, TimeSpan pollInterval, CancellationToken ct,
            Action<TimeSpan>? onTick = null, Action<string>? log = null, ServiceOutage? outage = null)
        {
            if (outcome.RequestId == null || outcome.Error != null || outcome.DevicesNotified == 0) return;
            var id = outcome.RequestId;
            var pushed = ApprovalHub.WaitAsync(api.Connection.ApiBase, id);
            var watch = Stopwatch.StartNew();
            try
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    if (pushed.IsCompleted) { Decide(outcome, pushed.Result, null); return; }
                    try
                    {
                        var status = Json.Unwrap(await api.SendAsync(HttpMethod.Get, "approvals/" + ApiText.Segment(id), null, RequestKind.Idempotent, ct, log, "Approval", id).ConfigureAwait(false), "approval");
                        outcome.LastStatus = status;
                        outage?.Answered();
                        var s = Json.Str(status, "status", "decision");
                        if (s != null && !s.Equals("pending", StringComparison.OrdinalIgnoreCase)) { Decide(outcome, s, Json.Date(status, "responded_at", "decided_at")); return; }
                    }
                    catch (ClawdTalkException ex) when (outage != null && ServiceOutage.IsNoAnswer(ex) && watch.Elapsed < timeout)
                    {
                        // no answer at all: a warning at once, and once the grace period has passed the wait ends as an error
                        // (an error answer, e.g. 503, fails closed at once, as before)
                        try { outage.Failed(ex); }
                        catch (ClawdTalkException gaveUp)
                        {
                            outcome.Decision = ApprovalDecision.Error;
                            outcome.Error = gaveUp;
                            return;
                        }
                    }
                    catch (ClawdTalkException ex)
                    {
                        outcome.Decision = ApprovalDecision.Error;
                        outcome.Error = ex;
                        return;
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        // fail closed on anything unexpected as well
                        outcome.Decision = ApprovalDecision.Error;
                        outcome.Error = new ClawdTalkException("ApprovalFailed", ErrorCategory.InvalidResult, $"Reading the approval status failed: {ex.Message}", id, ex);
                        return;
                    }
                    var left = timeout - watch.Elapsed;
                    if (left <= TimeSpan.Zero) { outcome.Decision = ApprovalDecision.Timeout; outcome.DecidedAt = DateTimeOffset.UtcNow; return; }
                    onTick?.Invoke(left);
                    // the interval is service time (the sandbox's answers say how fast its clock runs)
                    var interval = api.Connection.Real(pollInterval);
                    if (outage != null) interval = outage.Next(interval);
                    var wait = left < interval ? left : interval;
                    await Task.WhenAny(pushed, Task.Delay(wait, ct)).ConfigureAwait(false);
                }
            }
            finally
            {
                ApprovalHub.Forget(api.Connection.ApiBase, id);
            }
        }

        static void Decide(ApprovalOutcome outcome, string status, DateTimeOffset? at)
        {
            outcome.StatusText = status;
            outcome.Decision = Map(status);
            outcome.DecidedAt = at ?? DateTimeOffset.UtcNow;
        }

        /// <summary>Maps the service's words to a decision; anything unknown is an error, never approval.</summary>
        public static ApprovalDecision Map(string? status) => (status ?? "").Trim().ToLowerInvariant() switch
        {
            "approved" => ApprovalDecision.Approved,
            "denied" or "rejected" => ApprovalDecision.Denied,
            "expired" or "timeout" => ApprovalDecision.Timeout,
            "no_devices" => ApprovalDecision.NoDevices,
            "no_devices_reached" => ApprovalDecision.NoDevicesReached,
            _ => ApprovalDecision.Error,
        };
    }
}
