using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Approvals;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Which requests name a sensitive action (the contract's list: delete, remove, send a message or email, post, tweet,
    /// publish, push, merge, deploy, transfer, payment, purchase, repository changes, writes). Whole words only, so
    /// "pushover" or "undeleted" do not match, but every inflection of the verbs does.
    /// </summary>
    internal static class SensitiveActions
    {
        const RegexOptions Opt = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

        static readonly (string Name, Regex Pattern)[] Patterns =
        {
            ("delete", new Regex(@"\b(delete|deletes|deleted|deleting|deletion)\b", Opt)),
            ("remove", new Regex(@"\b(remove|removes|removed|removing|removal)\b", Opt)),
            ("send a message", new Regex(@"\b(send|sends|sending|reply|replies|forward|forwards)\b[^.?!]{0,60}?\b(message|messages|email|emails|e-mail|e-mails|mail|text|texts|sms|dm|dms|note)\b", Opt)),
            ("send a message", new Regex(@"(^|[,;:.!?]\s*|\b(?i:please|can you|could you|would you|and|then|to)\s+)(?i:e-?mail|text|message|dm)\s+((?i:him|her|them|me|my|the|a|an|everyone)\b|[A-Z]\w+|\+?\d)", RegexOptions.CultureInvariant | RegexOptions.Compiled)),
            ("post", new Regex(@"\b(post|posts|posted|posting)\b", Opt)),
            ("tweet", new Regex(@"\b(tweet|tweets|tweeted|tweeting|retweet|retweets)\b", Opt)),
            ("publish", new Regex(@"\b(publish|publishes|published|publishing)\b", Opt)),
            ("push", new Regex(@"\b(push|pushes|pushed|pushing|force-push)\b", Opt)),
            ("merge", new Regex(@"\b(merge|merges|merged|merging)\b", Opt)),
            ("deploy", new Regex(@"\b(deploy|deploys|deployed|deploying|deployment|deployments|release to production)\b", Opt)),
            ("transfer", new Regex(@"\b(transfer|transfers|transferred|transferring|wire)\b", Opt)),
            ("payment", new Regex(@"\b(payment|payments|pay|pays|paying|refund|refunds)\b", Opt)),
            ("purchase", new Regex(@"\b(purchase|purchases|purchased|purchasing|buy|buys|buying|checkout)\b", Opt)),
            ("repository change", new Regex(@"\b(commit|commits|committed|committing|rebase|rebases|revert|reverts|git\s+(reset|tag|branch\s+-d))\b", Opt)),
            ("repository change", new Regex(@"\b(create|creates|delete|rename|renames|archive|archives|fork|change|changes|modify|modifies|update|updates|close|closes)\b[^.?!]{0,40}?\b(repo|repos|repository|repositories|branch|branches|pull request|pr|issue|issues)\b", Opt)),
            ("write", new Regex(@"\b(write|writes|writing|wrote|written|overwrite|overwrites|overwriting)\b", Opt)),
        };

        /// <summary>The sensitive action a text names (for the approval's details), or null.</summary>
        public static string? Match(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            foreach (var (name, pattern) in Patterns)
                if (pattern.IsMatch(text)) return name;
            return null;
        }
    }

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
    /// The bridge's approval gate over <see cref="ApprovalClient"/>: asks the owner on their phone and waits for the
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
            var outcome = await ApprovalClient.RequestAsync(_api, action, details, false, _o.ApprovalTimeout, ct, Verbose).ConfigureAwait(false);
            if (outcome.Error != null || outcome.DevicesNotified == 0 || outcome.RequestId == null) return outcome;

            _log.Write(BridgeLogLevel.Information, "approval_requested", $"Asked the owner to approve ({outcome.DevicesNotified} device(s) notified); waiting up to {_o.ApprovalTimeout.TotalSeconds:0} s.",
                requestId: requestId, data: new Dictionary<string, object?> { ["approval_id"] = outcome.RequestId, ["action"] = details });
            using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var progressTask = progress == null ? Task.CompletedTask : ProgressLoop(progress, stopProgress.Token);
            try
            {
                await ApprovalClient.WaitAsync(_api, outcome, _o.ApprovalTimeout, _o.ApprovalPollInterval, ct, null, Verbose).ConfigureAwait(false);
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
            ApprovalDecision.Denied => "ApprovalDenied",
            ApprovalDecision.Timeout => "ApprovalTimeout",
            ApprovalDecision.NoDevices => "ApprovalNoDevices",
            ApprovalDecision.NoDevicesReached => "ApprovalNoDevicesReached",
            _ => "ApprovalFailed",
        };
    }

    /// <summary>E.164 handling for the SMS allowlist, through libphonenumber.</summary>
    internal static class PhoneText
    {
        static readonly Regex E164 = new Regex(@"^\+[1-9]\d{6,14}$", RegexOptions.Compiled);

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
                return E164.IsMatch(e) ? e : null;
            }
            catch (PhoneNumbers.NumberParseException)
            {
                var digits = new string(t.Where(c => char.IsDigit(c) || c == '+').ToArray());
                return E164.IsMatch(digits) ? digits : null;
            }
        }
    }
}
