using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using ClawdTalk.Api;

namespace ClawdTalk.Bridge
{
    /// <summary>A request as the policy sees it: where it came from, who asks (a call or a sender), and what it says.</summary>
    internal sealed class SensitiveRequest
    {
        public BridgeChannel Channel;
        /// <summary>The conversation a spoken or texted confirmation belongs to: the call id, or the sender's number.</summary>
        public string? Conversation;
        public string Text = "";
        public string? Context, CallId, RequestId;
        /// <summary>Called when an approval is pending (true the first time), for spoken progress.</summary>
        public Func<bool, Task>? Progress;
    }

    /// <summary>What to do with a request: run it (the text to run may be an earlier request the caller just confirmed), or answer without running it.</summary>
    internal sealed class PolicyVerdict
    {
        public bool Proceed;
        /// <summary>When proceeding: the request to run and its context. Otherwise: what to say or text back.</summary>
        public string Text = "";
        public string? Context;

        public static PolicyVerdict Run(string text, string? context) => new PolicyVerdict { Proceed = true, Text = text, Context = context };
        public static PolicyVerdict Answer(string text) => new PolicyVerdict { Text = text };
    }

    /// <summary>
    /// The one sensitive-request policy of the bridge, for calls and texts alike: a request that names a destructive
    /// action (<see cref="SensitiveActions"/>) asks the owner's approval first and runs only when approved; with no
    /// approval device the no-devices policy decides (ask the caller to confirm, proceed, or refuse). An explicit yes or no
    /// to an earlier confirmation question is honoured within the confirmation window. Only the wording differs per channel.
    /// </summary>
    internal sealed class SensitiveRequestPolicy
    {
        readonly BridgeCore _core;
        readonly ApprovalGate _gate;
        readonly SensitiveActions _actions;
        readonly ConcurrentDictionary<string, PendingConfirmation> _pending = new ConcurrentDictionary<string, PendingConfirmation>(StringComparer.Ordinal);

        public SensitiveRequestPolicy(BridgeCore core, SensitiveActions actions)
        {
            _core = core;
            _actions = actions;
            _gate = new ApprovalGate(core.Api, core.Options, core.Log);
        }

        static string Key(BridgeChannel c, string conversation) => c + ":" + conversation;

        /// <summary>Forgets a confirmation question of a conversation that ended.</summary>
        public void Forget(BridgeChannel channel, string conversation) => _pending.TryRemove(Key(channel, conversation), out _);

        public async Task<PolicyVerdict> DecideAsync(SensitiveRequest r)
        {
            var log = _core.Log;
            var voice = r.Channel != BridgeChannel.Sms;
            if (r.Conversation != null && _pending.TryRemove(Key(r.Channel, r.Conversation), out var pending) && pending.Expires > DateTimeOffset.UtcNow)
            {
                if (Confirmation.IsYes(r.Text))
                {
                    log.Write(BridgeLogLevel.Information, voice ? "confirmed_by_caller" : "confirmed_by_sender",
                        $"{(voice ? "The caller" : r.Conversation)} confirmed the {pending.Action} request {(voice ? "by voice" : "by text")} (no approval device); running it.", r.CallId, r.RequestId);
                    return PolicyVerdict.Run(pending.Query, pending.Context);
                }
                if (Confirmation.IsNo(r.Text))
                {
                    log.Write(BridgeLogLevel.Information, "declined_by_caller", $"The {(voice ? "caller" : "sender")} declined the {pending.Action} request.", r.CallId, r.RequestId);
                    return PolicyVerdict.Answer(voice ? "Okay, I won't do that." : "OK, cancelled.");
                }
                log.Write(BridgeLogLevel.Information, "confirmation_lapsed", "No confirmation came; the earlier request was dropped.", r.CallId, r.RequestId);
            }

            var action = _actions.Match(r.Text);
            if (action == null) return PolicyVerdict.Run(r.Text, r.Context);

            var preview = SpeechText.Preview(r.Text, 200);
            var (title, details) = voice
                ? ($"Voice request: {preview}", $"During call {r.CallId ?? "(unknown)"} the caller asked to {action}.")
                : ($"Text from {r.Conversation}: {preview}", $"A text from {r.Conversation} asks to {action}.");
            var outcome = await _gate.AskAsync(title, details, r.Progress, _core.Stopping, r.RequestId).ConfigureAwait(false);
            var approved = outcome.Decision == ApprovalDecision.Approved;
            log.Write(approved ? BridgeLogLevel.Information : BridgeLogLevel.Warning, "approval_decision",
                $"Approval for a sensitive {(voice ? "request" : "text")} ({action}): {outcome.Decision}" + (outcome.Error != null ? $" ({outcome.Error.ErrorId}: {outcome.Error.Message})" : "") + ".",
                r.CallId, r.RequestId, approved ? null : ApprovalGate.ErrorIdOf(outcome.Decision),
                data: LogData.Of(("decision", outcome.Decision.ToString()), ("action", action), ("approval_id", outcome.RequestId)));

            switch (outcome.Decision)
            {
                case ApprovalDecision.Approved:
                    return PolicyVerdict.Run(r.Text, r.Context);
                case ApprovalDecision.Denied:
                    return PolicyVerdict.Answer(voice ? "That was declined on your phone, so I didn't do it." : "Not done: that was declined on the owner's phone.");
                case ApprovalDecision.Timeout:
                    return PolicyVerdict.Answer(voice ? "I didn't get your approval in time, so I didn't do it. Ask me again if you'd like to retry."
                                                      : "Not done: no approval came in time. Send it again to retry.");
                case ApprovalDecision.NoDevices:
                    switch (_core.Options.NoDevices)
                    {
                        case NoDevicesPolicy.Proceed:
                            log.Write(BridgeLogLevel.Warning, "approval_skipped", "No approval device is registered; running the request as the no-devices policy says (Proceed).", r.CallId, r.RequestId);
                            return PolicyVerdict.Run(r.Text, r.Context);
                        case NoDevicesPolicy.AskCaller when r.Conversation != null:
                            _pending[Key(r.Channel, r.Conversation)] = new PendingConfirmation
                            {
                                Query = r.Text, Context = r.Context ?? "", Action = action, Expires = DateTimeOffset.UtcNow + _core.Options.ConfirmationWindow,
                            };
                            return PolicyVerdict.Answer(voice ? $"I have no phone to ask for approval, and that would {action}. Should I go ahead? Say yes to confirm, or no to cancel."
                                                              : $"That would {action}. Reply YES to go ahead or NO to cancel.");
                        default:
                            return PolicyVerdict.Answer(voice ? "There's no device to approve that on, so I didn't do it." : "Not done: there is no device to approve it on.");
                    }
                case ApprovalDecision.NoDevicesReached:
                    return PolicyVerdict.Answer(voice ? "I couldn't reach your phone to approve that, so I didn't do it." : "Not done: the approval could not be requested.");
                default:
                    if (outcome.Error != null) _core.RecordError("ApprovalFailed", outcome.Error.Message);
                    if (!voice) return PolicyVerdict.Answer("Not done: the approval could not be requested.");
                    return PolicyVerdict.Answer(outcome.Error == null ? "I didn't get a clear answer to the approval request, so I didn't do it."
                                                                      : "I couldn't ask for your approval just now, so I didn't do it.");
            }
        }
    }
}
