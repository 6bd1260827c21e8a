using ClawdTalk.Approvals;
using ClawdTalk.Commands.Calls;

namespace ClawdTalk.Commands.Approvals
{
    /// <summary>
    /// Asks the owner to approve an action by push notification and waits for the answer: a poll of `GET /approvals/{id}`,
    /// or at once when a bridge running in this process receives `approval.responded`. Fails closed: any error while
    /// requesting or waiting gives a non-approved decision (Error) and a non-terminating error, never Approved.
    /// It notifies the owner's devices, so it is ShouldProcess'd: under -WhatIf nothing is requested and nothing is output.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Request, "ClawdTalkApproval", SupportsShouldProcess = true)]
    [OutputType(typeof(ApprovalResult))]
    public sealed class RequestClawdTalkApprovalCommand : ClawdTalkCmdlet
    {
        internal const int MaxTimeout = 86400;
        internal const int ProgressId = 0x4150; // "AP"
        static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

        /// <summary>What the owner is asked to approve, as the notification shows it.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Action { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? Details { get; set; }

        /// <summary>The owner must confirm with Face ID / fingerprint.</summary>
        [Parameter]
        public SwitchParameter Biometric { get; set; }

        /// <summary>Seconds the request stays open (sent as expires_in) and the longest this cmdlet waits.</summary>
        [Parameter]
        public int Timeout { get; set; } = 300;

        /// <summary>Returns right after the request is made (Decision Pending) instead of waiting.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        protected override void Begin()
        {
            if (Timeout <= 0 || Timeout > MaxTimeout)
                throw Errors.Invalid(ErrorIds.InvalidTimeout, $"-Timeout must be between 1 and {MaxTimeout} seconds (got {Timeout}); no approval was requested.", Timeout);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Action))) CheckAction(Action);
        }

        static string CheckAction(string? action)
        {
            if (action == null || action.Trim().Length == 0)
                throw Errors.Invalid(ErrorIds.EmptyAction, "-Action is empty: say what the owner is asked to approve. No approval was requested.", action);
            if (action.Length > 1000)
                throw Errors.Invalid(ErrorIds.ActionTooLong, $"-Action has {action.Length} characters; at most 1000 are allowed (put the rest in -Details).", action.Length);
            return action.Trim();
        }

        protected override void Process()
        {
            var action = CheckAction(Action);
            var details = string.IsNullOrWhiteSpace(Details) ? null : Details;
            if (!ShouldProcess(action, $"Ask the owner to approve it: a push notification to their devices{(Biometric ? " (biometric)" : "")}, open for {Timeout} s")) return;
            var timeout = TimeSpan.FromSeconds(Timeout);
            var result = new ApprovalResult { Action = action, Details = details, RequireBiometric = Biometric, Decision = ApprovalDecision.Error };
            ApprovalOutcome? outcome = null;
            ClawdTalkException? failure = null;
            ApprovalsApi api;
            try { api = Approvals; }
            catch (ClawdTalkException ex) { ex.Terminating = false; Fail(result, ex); return; } // no connection: nothing to approve

            var progress = new WaitProgress(this, ProgressId, $"Approval: {CommsResponses.Preview(action, 60)}");
            try
            {
                outcome = Run(ct => api.RequestAsync(action, details, Biometric, timeout, ct));
                result.RequestId = outcome.RequestId;
                result.DevicesNotified = outcome.DevicesNotified;
                result.DevicesFailed = outcome.DevicesFailed;
                result.RequestedAt = outcome.RequestedAt;
                if (outcome.RequestId != null) Session.Feature(() => new CommsHistory()).Approval(outcome.RequestId, CommsResponses.Preview(action, 60));
                if (outcome.Error == null && outcome.DevicesNotified > 0)
                {
                    if (NoWait)
                    {
                        outcome.Decision = ApprovalDecision.Pending;
                    }
                    else
                    {
                        var started = DateTime.UtcNow;
                        progress.Update($"Waiting for the owner on {outcome.DevicesNotified} device(s) · {WaitProgress.Elapsed(TimeSpan.Zero)}", 0, Timeout, force: true);
                        Run(ct => api.WaitAsync(outcome, timeout, PollInterval, ct,
                            left => Post(() =>
                            {
                                var spent = DateTime.UtcNow - started;
                                progress.Update($"Waiting for the owner on {outcome.DevicesNotified} device(s) · {WaitProgress.Elapsed(spent)}",
                                    (int)(100 * spent.TotalSeconds / Timeout), (int)Math.Ceiling(left.TotalSeconds));
                            }),
                            new ServiceOutage(ServiceOutage.GraceFrom(null), $"the approval {outcome.RequestId}", w => Post(() => WriteWarning(w)), LogVerbose)));
                    }
                }
                failure = outcome.Error;
                if (failure == null && outcome.Decision == ApprovalDecision.Error)
                    failure = new ClawdTalkException(ErrorIds.ApprovalStatusUnknown, ErrorCategory.InvalidResult,
                        $"The service answered the approval {outcome.RequestId} with the unknown status '{outcome.StatusText}'; it is treated as not approved.", outcome.RequestId);
            }
            catch (ClawdTalkException ex)
            {
                failure = ex;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is PipelineStoppedException))
            {
                failure = new ClawdTalkException(ErrorIds.ApprovalFailed, ErrorCategory.NotSpecified, $"The approval failed: {ex.Message}", result.RequestId ?? action, ex);
            }
            finally
            {
                progress.Complete();
            }

            if (failure != null) { Fail(result, failure); return; }
            result.Decision = outcome!.Decision;
            result.Approved = result.Decision == ApprovalDecision.Approved;
            result.DecidedAt = result.Decision == ApprovalDecision.Pending ? null : outcome.DecidedAt;
            WriteVerbose($"Approval {result.RequestId}: {result.Decision}.");
            WriteObject(result);
        }

        /// <summary>Fail closed: the result says Error (never Approved) and the failure is reported as a non-terminating error.</summary>
        void Fail(ApprovalResult result, ClawdTalkException failure)
        {
            result.Decision = ApprovalDecision.Error;
            result.Approved = false;
            result.ErrorId = failure.ErrorId;
            failure.Terminating = false;
            failure.Target ??= result.RequestId ?? result.Action;
            WriteObject(result);
            WriteError(failure);
        }
    }
}
