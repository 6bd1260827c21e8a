using System.Collections.Concurrent;

namespace ClawdTalk.Bridge
{
    /// <summary>Who asks: the owner (an owner number, or the owner's push-to-talk app), a stranger, or a number not known to be the owner's.</summary>
    internal enum Requester { Owner, Stranger, Unverified }

    /// <summary>What the owner said about a request, as the agent is told.</summary>
    internal enum ApprovalStatus
    {
        /// <summary>The gate found no sensitive action: nothing was asked, nothing approved.</summary>
        NotAsked,
        /// <summary>The owner approved it on their phone.</summary>
        Approved,
        /// <summary>The owner confirmed it by voice or text (no approval device, policy AskCaller).</summary>
        Confirmed,
        /// <summary>Sensitive, but let through without approval (no approval device, policy Proceed).</summary>
        NotApproved,
    }

    /// <summary>A request as the policy sees it: where it came from, who asks (a call or a sender), and what it says.</summary>
    internal sealed class SensitiveRequest
    {
        public BridgeChannel Channel;
        public Requester Who = Requester.Owner;
        /// <summary>The number of the caller or sender, when known.</summary>
        public string? Number;
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
        /// <summary>When proceeding: what the owner said about it, the sensitive action the gate saw (null when none) and the approval's id.</summary>
        public ApprovalStatus Approval;
        public string? Action, ApprovalId;

        public static PolicyVerdict Run(string text, string? context, ApprovalStatus approval = ApprovalStatus.NotAsked, string? action = null, string? approvalId = null) =>
            new PolicyVerdict { Proceed = true, Text = text, Context = context, Approval = approval, Action = action, ApprovalId = approvalId };
        public static PolicyVerdict Answer(string text) => new PolicyVerdict { Text = text };
    }

    /// <summary>
    /// The one sensitive-request policy of the bridge, for calls, texts and push-to-talk alike: a request that names a
    /// sensitive action (<see cref="SensitiveActions"/>) asks the owner's approval first and runs only when approved; with
    /// no approval device the no-devices policy decides for the owner (ask them to confirm, proceed, or refuse), and a
    /// stranger's request is refused (only the owner approves, on their phone). An explicit yes or no to an earlier
    /// confirmation question is honoured within the confirmation window. Only the wording differs per channel; what the
    /// verdict says about approval goes to the agent with the request (<see cref="AgentGateway"/>).
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
            var owner = r.Who == Requester.Owner;
            if (r.Conversation != null && _pending.TryRemove(Key(r.Channel, r.Conversation), out var pending) && pending.Expires > DateTimeOffset.UtcNow)
            {
                if (Confirmation.IsYes(r.Text))
                {
                    log.Write(BridgeLogLevel.Information, voice ? "confirmed_by_caller" : "confirmed_by_sender",
                        $"{(voice ? "The caller" : r.Conversation)} confirmed the {pending.Action} request {(voice ? "by voice" : "by text")} (no approval device); running it.", r.CallId, r.RequestId);
                    return PolicyVerdict.Run(pending.Query, pending.Context, ApprovalStatus.Confirmed, pending.Action);
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
            if (!owner) log.Write(BridgeLogLevel.Warning, "stranger_sensitive", $"Someone who is not the owner ({r.Number ?? "number unknown"}) asks to {action}; only the owner's approval lets it through.",
                r.CallId, r.RequestId, data: LogData.Of(("from", r.Number), ("action", action)));

            var preview = SpeechText.Preview(r.Text, 200);
            var who = owner ? "" : $" from someone who is not you ({r.Number ?? "number unknown"})";
            var (title, details) = r.Channel switch
            {
                BridgeChannel.Voice => ($"Voice request{who}: {preview}", $"During call {r.CallId ?? "(unknown)"} the caller{(owner ? "" : $", who is not you ({r.Number ?? "number unknown"}),")} asked to {action}."),
                BridgeChannel.Walkie => ($"Push-to-talk request: {preview}", $"A push-to-talk message asks to {action}."),
                _ => ($"Text from {r.Conversation}{(owner ? "" : " (not you)")}: {preview}", $"A text from {r.Conversation}{(owner ? "" : ", not one of your numbers,")} asks to {action}."),
            };
            var outcome = await _gate.AskAsync(title, details, r.Progress, _core.Stopping, r.RequestId).ConfigureAwait(false);
            var approved = outcome.Decision == ApprovalDecision.Approved;
            log.Write(approved ? BridgeLogLevel.Information : BridgeLogLevel.Warning, "approval_decision",
                $"Approval for a sensitive {(voice ? "request" : "text")} ({action}): {outcome.Decision}" + (outcome.Error != null ? $" ({outcome.Error.ErrorId}: {outcome.Error.Message})" : "") + ".",
                r.CallId, r.RequestId, approved ? null : ApprovalGate.ErrorIdOf(outcome.Decision),
                data: LogData.Of(("decision", outcome.Decision.ToString()), ("action", action), ("approval_id", outcome.RequestId)));

            switch (outcome.Decision)
            {
                case ApprovalDecision.Approved:
                    return PolicyVerdict.Run(r.Text, r.Context, ApprovalStatus.Approved, action, outcome.RequestId);
                case ApprovalDecision.Denied:
                    return PolicyVerdict.Answer(voice ? "That was declined on your phone, so I didn't do it." : "Not done: that was declined on the owner's phone.");
                case ApprovalDecision.Timeout:
                    return PolicyVerdict.Answer(voice ? "I didn't get your approval in time, so I didn't do it. Ask me again if you'd like to retry."
                                                      : "Not done: no approval came in time. Send it again to retry.");
                case ApprovalDecision.NoDevices when !owner:
                    // a stranger's request: only the owner approves, and only on a device; never a confirmation by the requester
                    log.Write(BridgeLogLevel.Warning, "approval_refused", "A sensitive request from someone who is not the owner was refused: there is no device to approve it on.", r.CallId, r.RequestId);
                    return PolicyVerdict.Answer(voice ? "Only the owner can approve that, so I didn't do it." : "Not done: only the owner can approve that.");
                case ApprovalDecision.NoDevices:
                    switch (_core.Options.NoDevices)
                    {
                        case NoDevicesPolicy.Proceed:
                            log.Write(BridgeLogLevel.Warning, "approval_skipped", "No approval device is registered; running the request as the no-devices policy says (Proceed).", r.CallId, r.RequestId);
                            return PolicyVerdict.Run(r.Text, r.Context, ApprovalStatus.NotApproved, action);
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
                    if (outcome.Error != null) _core.RecordError(ErrorIds.ApprovalFailed, outcome.Error.Message);
                    if (!voice) return PolicyVerdict.Answer("Not done: the approval could not be requested.");
                    return PolicyVerdict.Answer(outcome.Error == null ? "I didn't get a clear answer to the approval request, so I didn't do it."
                                                                      : "I couldn't ask for your approval just now, so I didn't do it.");
            }
        }
    }
}
