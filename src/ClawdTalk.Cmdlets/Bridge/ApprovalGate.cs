using System.Text.RegularExpressions;
using ClawdTalk.Approvals;

namespace ClawdTalk.Bridge
{
    /// <summary>Spoken or texted confirmations after a `no_devices` approval (policy AskCaller).</summary>
    internal static class Confirmation
    {
        static readonly Regex Yes = new Regex(@"^\W*(yes|yeah|yep|yup|sure|ok|okay|confirm|confirmed|i confirm|go ahead|do it|proceed|affirmative)\b(?![^.!?]*\b(not|don'?t|no)\b)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        static readonly Regex No = new Regex(@"^\W*(no|nope|nah|cancel|stop|don'?t|do not|never ?mind|abort)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        public static bool IsYes(string? text) => text != null && Yes.IsMatch(text.Trim());
        public static bool IsNo(string? text) => text != null && No.IsMatch(text.Trim());
    }

    /// <summary>A sensitive request waiting for the caller's explicit yes (no approval device).</summary>
    internal sealed class PendingConfirmation
    {
        public string Query = "", Context = "", Action = "";
        public DateTimeOffset Expires;
    }

    /// <summary>
    /// The bridge's approval gate over <see cref="ApprovalsApi"/>: asks the owner on their phone and waits for the
    /// pushed `approval.responded` or a poll. It fails closed: only <see cref="ApprovalDecision.Approved"/> lets an action
    /// run; an error, a timeout, an unknown decision or a device that could not be reached never does.
    /// </summary>
    internal sealed class ApprovalGate
    {
        readonly ApiClient _api;
        readonly BridgeOptions _o;
        readonly BridgeLogger _log;

        public ApprovalGate(ApiClient api, BridgeOptions o, BridgeLogger log)
        {
            _api = api;
            _o = o;
            _log = log;
        }

        /// <summary>
        /// Asks for approval and waits. <paramref name="progress"/> is called at once when the request is pending and
        /// again every progress interval while it stays pending.
        /// </summary>
        public async Task<ApprovalOutcome> AskAsync(string action, string details, Func<bool, Task>? progress, CancellationToken ct, string? requestId = null)
        {
            void Verbose(string m) => _log.Write(BridgeLogLevel.Verbose, "approval_http", m, requestId: requestId);
            var outcome = await new ApprovalsApi(_api, Verbose).RequestAsync(action, details, false, _o.ApprovalTimeout, ct).ConfigureAwait(false);
            if (outcome.Error != null || outcome.DevicesNotified == 0 || outcome.RequestId == null) return outcome;

            _log.Write(BridgeLogLevel.Information, "approval_requested", $"Asked the owner to approve ({outcome.DevicesNotified} device(s) notified); waiting up to {_o.ApprovalTimeout.TotalSeconds:0} s.",
                requestId: requestId, data: new Dictionary<string, object?> { ["approval_id"] = outcome.RequestId, ["action"] = details });
            using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var progressTask = progress == null ? Task.CompletedTask : ProgressLoop(progress, stopProgress.Token);
            try
            {
                await new ApprovalsApi(_api, Verbose).WaitAsync(outcome, _o.ApprovalTimeout, _o.ApprovalPollInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                outcome.Decision = ApprovalDecision.Error;
            }
            finally
            {
                stopProgress.Cancel();
                try { await progressTask.ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
            return outcome;
        }

        async Task ProgressLoop(Func<bool, Task> progress, CancellationToken ct)
        {
            var first = true;
            while (!ct.IsCancellationRequested)
            {
                await progress(first).ConfigureAwait(false);
                first = false;
                await Task.Delay(_o.ApprovalProgressInterval, ct).ConfigureAwait(false);
            }
        }

        /// <summary>Remembers a pushed decision for a waiter; entries nobody takes are dropped after a while.</summary>
        public static void Publish(Uri apiBase, string requestId, string decision)
        {
            ApprovalHub.Publish(apiBase, requestId, decision);
            _ = Task.Delay(TimeSpan.FromMinutes(10)).ContinueWith(_ => ApprovalHub.Forget(apiBase, requestId), TaskScheduler.Default);
        }

        public static string ErrorIdOf(ApprovalDecision d) => d switch
        {
            ApprovalDecision.Denied => ErrorIds.ApprovalDenied,
            ApprovalDecision.Timeout => ErrorIds.ApprovalTimeout,
            ApprovalDecision.NoDevices => ErrorIds.ApprovalNoDevices,
            ApprovalDecision.NoDevicesReached => ErrorIds.ApprovalNoDevicesReached,
            _ => ErrorIds.ApprovalFailed,
        };
    }

    /// <summary>E.164 handling for the SMS allowlist, through libphonenumber.</summary>
    internal static class PhoneText
    {
        /// <summary>The number in E.164 form, or null when it is not a possible international number.</summary>
        public static string? Normalize(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var t = text!.Trim();
            try
            {
                var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
                var n = util.Parse(t, null);
                if (!util.IsPossibleNumber(n)) return null;
                var e = util.Format(n, PhoneNumbers.PhoneNumberFormat.E164);
                return Numbers.E164.IsCanonical(e) ? e : null;
            }
            catch (PhoneNumbers.NumberParseException)
            {
                var digits = new string(t.Where(c => char.IsDigit(c) || c == '+').ToArray());
                return Numbers.E164.IsCanonical(digits) ? digits : null;
            }
        }
    }
}
