using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Texts: each message once; only the owner's numbers reach the agent unless routing every sender was chosen
    /// (-AllowAnySender), and then a stranger's text reaches it marked as a stranger's. Other senders are logged and listed
    /// (Get-ClawdTalkBridge's IgnoredSenders), never answered. Through the sensitive-request policy, and the agent's reply
    /// texted back (nothing is sent when the agent took the text without answering).
    /// </summary>
    internal sealed class SmsHandler
    {
        readonly BridgeCore _core;
        readonly AgentGateway _agent;
        readonly SensitiveRequestPolicy _policy;
        readonly BoundedCache<bool> _seen = new BoundedCache<bool>(4096);

        public SmsHandler(BridgeCore core, AgentGateway agent, SensitiveRequestPolicy policy)
        {
            _core = core;
            _agent = agent;
            _policy = policy;
        }

        BridgeLogger Log => _core.Log;

        public async Task HandleAsync(JObject f)
        {
            var from = Json.Str(f, "from");
            var body = Json.Str(f, "body") ?? "";
            var messageId = Json.Str(f, "message_id");
            if (from == null) return;
            if (messageId != null && !_seen.Add(messageId, true))
            {
                Log.Write(BridgeLogLevel.Verbose, "sms_repeat", $"Text {messageId} arrived again; ignored.");
                return;
            }
            var e164 = PhoneText.Normalize(from);
            var sender = e164 ?? from;
            var owner = _core.IsOwner(sender);
            if (!owner && !(_core.Options.AllowAnySender && e164 != null))
            {
                if (e164 != null) _core.Health.Ignored(e164);
                Log.Write(BridgeLogLevel.Warning, "sms_ignored", $"Text from {(e164 ?? "a sender that is not a phone number")} not routed to the agent: the sender is not one of the owner's numbers.",
                    data: LogData.Of(("from", e164), ("message_id", messageId)));
                return;
            }
            _core.Health.Received();
            Log.Write(BridgeLogLevel.Information, "sms_received", $"Text from {sender}{(owner ? " (owner)" : " (not the owner; every sender is routed)")}; asking the agent.",
                data: LogData.Of(("from", sender), ("message_id", messageId), ("owner", owner)));
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "sms_body", "Body: " + body);

            var who = owner ? Requester.Owner : Requester.Stranger;
            var verdict = await _policy.DecideAsync(new SensitiveRequest { Channel = BridgeChannel.Sms, Who = who, Number = sender, Conversation = sender, Text = body }).ConfigureAwait(false);
            if (!verdict.Proceed)
            {
                await SendAsync(sender, verdict.Text).ConfigureAwait(false);
                return;
            }
            var message = AgentGateway.SmsMessage(sender, verdict.Text, AgentGateway.Trust(BridgeChannel.Sms, who, sender, verdict));
            var answer = await _agent.AskAsync(BridgeChannel.Sms, message, null, null).ConfigureAwait(false);
            if (answer.Outcome == AgentOutcome.Accepted)
            {
                Log.Write(BridgeLogLevel.Information, "sms_no_reply", $"The agent took the text from {sender} but has not answered; no reply was sent (the agent can text back itself).");
                return;
            }
            if (answer.Outcome == AgentOutcome.Failed) return;
            var text = SpeechText.ForSms(answer.Text);
            if (text == null)
            {
                Log.Write(BridgeLogLevel.Information, "sms_no_reply", $"The agent's answer to {sender} was empty; no reply was sent.");
                return;
            }
            await SendAsync(sender, text).ConfigureAwait(false);
        }

        async Task SendAsync(string to, string text)
        {
            var body = new JObject { ["to"] = to, ["message"] = SpeechText.Cut(text, SpeechText.MaxSmsChars) };
            try
            {
                await _core.Api.SendAsync(HttpMethod.Post, "messages/send", body, RequestKind.Create, _core.Stopping,
                    m => Log.Write(BridgeLogLevel.Verbose, "api", m), "Message", to).ConfigureAwait(false);
                _core.Health.SmsReplied();
                _core.Health.Answered();
                Log.Write(BridgeLogLevel.Information, "sms_reply_sent", $"Replied to {to} ({text.Length} characters).", data: LogData.Of(("to", to), ("length", text.Length)));
            }
            catch (ClawdTalkException ex)
            {
                _core.RecordError(ex.ErrorId, ex.Message);
                Log.Write(BridgeLogLevel.Error, "sms_reply_failed", $"The reply to {to} could not be sent: {ex.Message}", errorId: ex.ErrorId);
            }
        }
    }
}
