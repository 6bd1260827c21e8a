using System.Diagnostics;
using System.Net.Http;
using ClawdTalk.Approvals;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// Owner approvals by push notification (`POST /approvals`, `GET /approvals/{id}`, `GET /approvals`), async over the one pipeline (takes no cmdlet), shared by Request-ClawdTalkApproval
    /// and the bridge's approval gate. Fails closed: any error, an unknown status or the end of the wait is never Approved.
    /// </summary>
    internal sealed class ApprovalsApi : EndpointClient
    {

        public ApprovalsApi(ApiClient api, Action<string>? log = null) : base(api, log) { }

        /// <summary>`GET /approvals/{id}`: one approval request as the service has it; an answer without it throws InvalidServerResponse.</summary>
        public async Task<ApprovalRequest> GetAsync(string requestId, CancellationToken ct)
        {
            var o = Json.Unwrap(await _api.SendAsync(HttpMethod.Get, "approvals/" + ApiText.Segment(requestId), null, RequestKind.Idempotent, ct, _log, "Approval", requestId).ConfigureAwait(false), "approval")
                ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service returned no approval object.", requestId);
            return ApprovalRequest.FromJson(o, requestId);
        }

        /// <summary>`GET /approvals[?status=…]`: the account's approval requests.</summary>
        public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? status, CancellationToken ct) =>
            Json.UnwrapList(await _api.SendAsync(HttpMethod.Get, status == null ? "approvals" : "approvals?status=" + ApiText.Segment(status), null,
                RequestKind.Idempotent, ct, _log, "Approval").ConfigureAwait(false), "approvals", "requests").Select(o => ApprovalRequest.FromJson(o)).ToList();

        /// <summary>`POST /approvals`: asks the owner. Never throws for the service's answer: the outcome carries the error (fail closed).</summary>
        public async Task<ApprovalOutcome> RequestAsync(string action, string? details, bool biometric, TimeSpan timeout, CancellationToken ct)
        {
            var api = _api;
            var log = _log;
            var outcome = new ApprovalOutcome();
            var body = new JObject { ["action"] = action, ["require_biometric"] = biometric, ["expires_in"] = (int)Math.Ceiling(timeout.TotalSeconds) };
            if (!string.IsNullOrEmpty(details)) body["details"] = details;
            try
            {
                outcome.RequestedAt = DateTimeOffset.UtcNow;
                outcome.SentAt = ApprovalHub.Now();
                var created = Json.Unwrap(await api.SendAsync(HttpMethod.Post, "approvals", body, RequestKind.Create, ct, log, "Approval").ConfigureAwait(false), "approval");
                outcome.RequestId = Json.Str(created, "request_id", "id");
                outcome.DevicesNotified = Json.Int(created, "devices_notified") ?? 0;
                outcome.DevicesFailed = Json.Int(created, "devices_failed") ?? 0;
                if (outcome.RequestId == null)
                    throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service did not return an approval request id.");
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
        public async Task WaitAsync(ApprovalOutcome outcome, TimeSpan timeout, TimeSpan pollInterval, CancellationToken ct,
            Action<TimeSpan>? onTick = null, ServiceOutage? outage = null)
        {
            var api = _api;
            var log = _log;
            if (outcome.RequestId == null || outcome.Error != null || outcome.DevicesNotified == 0) return;
            var id = outcome.RequestId;
            var pushed = ApprovalHub.WaitAsync(api.Connection.ApiBase, id, outcome.SentAt);
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
                        outcome.Error = new ClawdTalkException(ErrorIds.ApprovalFailed, ErrorCategory.InvalidResult, $"Reading the approval status failed: {ex.Message}", id, ex);
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
