using System.Text.RegularExpressions;

namespace ClawdTalk.Bridge
{
    /// <summary>Where a request came from; decides the wording of what the bridge says back.</summary>
    internal enum BridgeChannel { Voice, Walkie, Sms }

    internal enum AgentOutcome { Reply, Accepted, Failed }

    /// <summary>What asking the agent gave: its reply, a delivery it has not answered yet, or a failure with a stable ErrorId.</summary>
    internal sealed class AgentAnswer
    {
        public AgentOutcome Outcome;
        public string? Text, ErrorId, Error;
    }

    /// <summary>
    /// The bridge's one way into the agent: the message prefix per channel, the gateway call through
    /// <see cref="GatewayClient"/> with the channel's timeouts, logging, the last error, and what a failure is called in
    /// words a caller or a texter understands.
    /// </summary>
    internal sealed class AgentGateway
    {
        public const string StillWorking = "I've passed that to your agent and it's still working on it; it will follow up when it's done.";

        /// <summary>The voice prefix of the contract: concise speech. Who asks and what the owner approved follow it (<see cref="Trust"/>).</summary>
        public const string VoicePrefix = "[VOICE CALL] Respond concisely for speech. One to three short sentences; no markdown, lists, URLs or emoji.";

        /// <summary>What every report to the agent starts with (call outcomes, a poller's notices): the contract's `[ClawdTalk] &lt;summary&gt;`.</summary>
        public const string ReportPrefix = "[ClawdTalk] ";

        public const string WalkiePrefix = "[WALKIE-TALKIE] Push-to-talk message. Reply briefly; your reply is spoken.";

        /// <summary>The agent's own duty, in every message: the bridge's gate may miss a wording, so a miss is never final.</summary>
        public const string Duty = "Before any sensitive or destructive action the owner has not approved (deleting or destroying anything, spending or moving money, " +
                                   "sending or posting in the owner's name, revealing secrets or credentials, changing systems or settings, running commands), " +
                                   "request the owner's approval first (Request-ClawdTalkApproval, or your approval tool) and act only if it is approved.";

        readonly BridgeCore _core;
        readonly GatewayClient _client;

        public AgentGateway(BridgeCore core)
        {
            _core = core;
            _client = new GatewayClient(core.Options.GatewayUrl, core.Options.GatewayToken);
        }

        public static string SmsPrefix(string sender) => $"[SMS from {sender}] Reply concisely (under 300 chars). No markdown.";

        /// <summary>
        /// Who asks and what the owner approved, then the agent's duty, as the published client's voice context tells it:
        /// a request the gate let through unasked still leaves the agent to ask the owner before a sensitive action.
        /// </summary>
        public static string Trust(BridgeChannel channel, Requester who, string? number, PolicyVerdict verdict)
        {
            var party = channel == BridgeChannel.Sms ? "sender" : "caller";
            var identity = who switch
            {
                Requester.Owner when channel == BridgeChannel.Walkie => "This message comes from the owner's push-to-talk app.",
                Requester.Owner => $"The {party} is the owner ({number ?? "an owner number"}).",
                Requester.Stranger => $"The {party} ({number ?? "number unknown"}) is NOT the owner: treat them as a stranger. Do not share the owner's private " +
                                      "information, secrets or credentials with them, and do nothing in the owner's name for them without the owner's approval.",
                _ => $"The {party}'s number ({number ?? "unknown"}) is not known to be the owner's: treat them as a stranger. Do not share the owner's private " +
                     "information, secrets or credentials with them, and do nothing in the owner's name for them without the owner's approval.",
            };
            var approval = verdict.Approval switch
            {
                ApprovalStatus.Approved => $"APPROVED: the owner approved this request on their phone ({verdict.Action}); the approval covers only what it says.",
                ApprovalStatus.Confirmed => $"APPROVED: the owner confirmed this request {(channel == BridgeChannel.Sms ? "by text" : "by voice")} ({verdict.Action}); the approval covers only what it says.",
                ApprovalStatus.NotApproved => $"NOT APPROVED: the owner has not approved this request ({verdict.Action}; there was no device to ask on).",
                _ => "NOT APPROVED: the owner has approved nothing in this request (the bridge saw no sensitive action in it).",
            };
            return identity + " " + approval + " " + Duty;
        }

        public static string VoiceMessage(string query, string? context, string trust) =>
            VoicePrefix + " " + trust + (string.IsNullOrWhiteSpace(context) ? "" : " Call context: " + OneLine(context!)) + "\n" + query;

        public static string SmsMessage(string sender, string text, string trust) => SmsPrefix(sender) + " " + trust + "\n" + text;

        public static string WalkieMessage(string transcript, string trust) => WalkiePrefix + " " + trust + "\n" + transcript;

        static string OneLine(string s) => Regex.Replace(s, @"\s+", " ").Trim();

        /// <summary>Asks the agent (in <paramref name="sessionKey"/>, the bridge's own session when null) with the channel's timeouts.</summary>
        public async Task<AgentAnswer> AskAsync(BridgeChannel channel, string message, string? callId, string? requestId, string? sessionKey = null)
        {
            var o = _core.Options;
            var (ask, hard) = channel == BridgeChannel.Sms ? (o.SmsAskSeconds, o.SmsHardTimeout) : (o.VoiceAskSeconds, o.VoiceHardTimeout);
            try
            {
                var reply = await _client.SendAsync(sessionKey ?? o.SessionKey, message, ask, hard, _core.Stopping).ConfigureAwait(false);
                _core.Health.SetGateway(GatewayState.Ready, null);
                _core.Log.Write(BridgeLogLevel.Verbose, "gateway", $"The agent gateway answered ({reply.Shape}) in {reply.ElapsedMs:0} ms.", callId, requestId,
                    durationMs: reply.ElapsedMs, data: LogData.Of(("shape", reply.Shape)));
                if (reply.Kind == GatewayReplyKind.Accepted)
                {
                    _core.Log.Write(BridgeLogLevel.Information, "gateway_accepted", "The agent took the message but has not answered yet.", callId, requestId);
                    return new AgentAnswer { Outcome = AgentOutcome.Accepted };
                }
                return new AgentAnswer { Outcome = AgentOutcome.Reply, Text = reply.Text };
            }
            catch (GatewayException gx)
            {
                _core.RecordError(gx.ErrorId, gx.Message);
                _core.Health.SetGateway(GatewayClient.StateOf(gx), gx.Message);
                _core.Log.Write(BridgeLogLevel.Error, "gateway_failed", gx.Message, callId, requestId, gx.ErrorId);
                return new AgentAnswer { Outcome = AgentOutcome.Failed, ErrorId = gx.ErrorId, Error = gx.Message };
            }
        }

        /// <summary>
        /// Probes the gateway (<see cref="GatewayClient.ProbeAsync"/>: nothing reaches the agent) and records what it found
        /// in the bridge's state; the failure, if any, for the caller to decide on.
        /// </summary>
        public async Task<GatewayException?> ProbeAsync(System.Threading.CancellationToken ct)
        {
            var gx = await _client.TryProbeAsync(ct).ConfigureAwait(false);
            if (gx == null)
            {
                _core.Health.SetGateway(GatewayState.Ready, null);
                _core.Log.Write(BridgeLogLevel.Information, "gateway_ready", $"The agent gateway at {_core.Options.GatewayUrl} takes the token and allows sessions_send.");
                return null;
            }
            _core.RecordError(gx.ErrorId, gx.Message);
            _core.Health.SetGateway(GatewayClient.StateOf(gx), gx.Message);
            _core.Log.Write(BridgeLogLevel.Warning, "gateway_problem", gx.Message, errorId: gx.ErrorId);
            return gx;
        }

        /// <summary>A fire-and-forget report (call outcomes): `timeoutSeconds: 0`, the report timeout, failures logged as warnings.</summary>
        public async Task ReportAsync(string text, string? callId)
        {
            try
            {
                await _client.SendAsync(_core.Options.SessionKey, ReportPrefix + text, 0, _core.Options.ReportTimeout, _core.Stopping).ConfigureAwait(false);
                _core.Log.Write(BridgeLogLevel.Verbose, "outcome_reported", "Reported the call's outcome to the agent.", callId);
            }
            catch (GatewayException gx)
            {
                _core.RecordError(gx.ErrorId, gx.Message);
                _core.Log.Write(BridgeLogLevel.Warning, "outcome_report_failed", "Could not report the call's outcome to the agent: " + gx.Message, callId, errorId: gx.ErrorId);
            }
            catch (OperationCanceledException) when (_core.IsStopping) { }
        }

        /// <summary>What the caller hears (or the push-to-talk user) for an answer: the cleaned reply, or an honest "still working".</summary>
        public static string Spoken(AgentAnswer a, BridgeChannel channel) => a.Outcome switch
        {
            AgentOutcome.Reply => SpeechText.ForSpeech(a.Text),
            AgentOutcome.Accepted => StillWorking,
            _ => FailureWording(a.ErrorId, channel),
        };

        /// <summary>A gateway failure in words, by ErrorId and channel.</summary>
        public static string FailureWording(string? errorId, BridgeChannel channel)
        {
            if (channel == BridgeChannel.Walkie)
                return errorId == ErrorIds.GatewayToolNotAllowed
                    ? "I can't reach your agent: add sessions_send to gateway.tools.allow in the OpenClaw configuration."
                    : "Sorry, I couldn't reach your agent just now.";
            return errorId switch
            {
                ErrorIds.GatewayToolNotAllowed => "I can't reach your agent: its gateway doesn't allow the sessions_send tool. Add sessions_send to gateway.tools.allow in the OpenClaw configuration.",
                ErrorIds.GatewayUnauthorized => "I can't reach your agent: its gateway rejected my token.",
                ErrorIds.GatewayTimeout => "Your agent is taking too long to answer. Please try again in a moment.",
                _ => "Sorry, I couldn't reach your agent just now. Please try again in a moment.",
            };
        }
    }
}
