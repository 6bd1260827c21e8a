using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>What a call.ended frame says happened; <see cref="Unknown"/> when the module does not know the outcome or reason.</summary>
    internal enum CallOutcomeKind { Answered, Completed, VoicemailLeft, VoicemailFailed, NoAnswer, Busy, Failed, Canceled, Fax, TimedOut, InboundEnded, Unknown }

    /// <summary>A call's outcome as reported to the agent.</summary>
    internal sealed class CallOutcomeReport
    {
        public CallOutcomeKind Kind;
        public string Text = "";
    }

    /// <summary>
    /// Words a call.ended frame the way the contract's "Call outcome reports" says: the outcome first, then the reason;
    /// a report never claims more than the frame says. An outcome or reason the module does not know is reported as
    /// unknown with the raw values, never as answered.
    /// </summary>
    internal static class CallOutcomes
    {
        static string Norm(string? s) => (s ?? "").Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');

        /// <summary>The kind an outcome value names; null when it names none this module knows (or is absent).</summary>
        static CallOutcomeKind? FromOutcome(string o) => o switch
        {
            "answered" or "human" or "completed" => CallOutcomeKind.Answered,
            "voicemail" or "voicemail_left" or "machine" or "answering_machine" => CallOutcomeKind.VoicemailLeft,
            "voicemail_failed" => CallOutcomeKind.VoicemailFailed,
            "no_answer" or "noanswer" or "unanswered" => CallOutcomeKind.NoAnswer,
            "busy" => CallOutcomeKind.Busy,
            "failed" or "error" => CallOutcomeKind.Failed,
            "canceled" or "cancelled" => CallOutcomeKind.Canceled,
            "fax" or "fax_machine" => CallOutcomeKind.Fax,
            "timeout" or "timed_out" => CallOutcomeKind.TimedOut,
            _ => null,
        };

        /// <summary>The kind a reason names when the outcome said nothing known (amd_silence, user_hangup, timeout, …).</summary>
        static CallOutcomeKind? FromReason(string r) => r switch
        {
            "amd_silence" => CallOutcomeKind.NoAnswer,
            "user_hangup" or "hangup" or "normal_clearing" => CallOutcomeKind.Completed,
            "no_answer" or "noanswer" => CallOutcomeKind.NoAnswer,
            "busy" or "user_busy" => CallOutcomeKind.Busy,
            "timeout" or "timed_out" => CallOutcomeKind.TimedOut,
            "fax" => CallOutcomeKind.Fax,
            "canceled" or "cancelled" => CallOutcomeKind.Canceled,
            "failed" or "error" => CallOutcomeKind.Failed,
            _ => null,
        };

        public static CallOutcomeKind Classify(string? outcome, string? reason, bool inbound)
        {
            if (inbound) return CallOutcomeKind.InboundEnded;
            var o = Norm(outcome);
            var r = Norm(reason);
            // the contract's order: voicemail outcomes first; then no answer, or silence detected whatever else the outcome says
            if (o == "voicemail_failed") return CallOutcomeKind.VoicemailFailed;
            var k = FromOutcome(o);
            if (k == CallOutcomeKind.VoicemailLeft) return k.Value;
            if (k == CallOutcomeKind.NoAnswer || r == "amd_silence") return CallOutcomeKind.NoAnswer;
            if (k != null) return k.Value;
            // an outcome this module does not know is unknown, whatever the reason; without an outcome the reason speaks
            return o.Length > 0 ? CallOutcomeKind.Unknown : FromReason(r) ?? CallOutcomeKind.Unknown;
        }

        /// <summary>The report: a sentence a person (or agent) understands, with the call id.</summary>
        public static CallOutcomeReport Describe(JObject f, bool withVoicemail = true)
        {
            var direction = (Json.Str(f, "direction") ?? "outbound").ToLowerInvariant();
            var outcome = Json.Str(f, "outcome");
            var reason = Json.Str(f, "reason");
            var duration = Json.Double(f, "duration_seconds");
            var to = Json.Str(f, "to_number");
            var purpose = Json.Str(f, "purpose");
            if (string.IsNullOrWhiteSpace(purpose)) purpose = Json.Str(f, "greeting");
            var voicemail = Json.Str(f, "voicemail_message");
            var callId = Json.Str(f, "call_id");
            var inbound = direction == "inbound";
            var kind = Classify(outcome, reason, inbound);
            var who = "The call to " + (to ?? "the callee");
            var about = string.IsNullOrWhiteSpace(purpose) ? "" : $" about \"{SpeechText.Preview(purpose, 80)}\"";
            var length = duration.HasValue && duration > 0 ? " after " + Duration(duration.Value) : "";
            var why = string.IsNullOrWhiteSpace(reason) ? "" : $" ({reason!.Trim()})";
            string text = kind switch
            {
                CallOutcomeKind.InboundEnded => $"An inbound call ended{length}.",
                CallOutcomeKind.Answered => $"{who}{about} was answered and completed{length}.",
                CallOutcomeKind.Completed => $"{who}{about} was connected and ended when the other side hung up{length}.",
                CallOutcomeKind.VoicemailLeft => $"{who}{about} went to voicemail" + (string.IsNullOrWhiteSpace(voicemail) ? "; a message was left."
                    : withVoicemail ? $"; the message left was: \"{SpeechText.Preview(voicemail, 200)}\"" : "; a message was left."),
                CallOutcomeKind.VoicemailFailed => $"{who}{about} went to voicemail, but no message was left (no beep was detected){why}.",
                CallOutcomeKind.NoAnswer => Norm(reason) == "amd_silence" ? $"{who}{about} was not answered: only silence was detected." : $"{who}{about} was not answered{why}.",
                CallOutcomeKind.Busy => $"{who}{about} got a busy signal.",
                CallOutcomeKind.Failed => $"{who}{about} failed to connect{why}.",
                CallOutcomeKind.Canceled => $"{who}{about} was canceled before it connected{why}.",
                CallOutcomeKind.Fax => $"{who}{about} reached a fax machine; nobody was spoken to.",
                CallOutcomeKind.TimedOut => $"{who}{about} timed out before anyone answered{why}.",
                _ => $"{who}{about} ended with an outcome this bridge does not know (outcome: {Raw(outcome)}, reason: {Raw(reason)}){length}; " +
                     "it is not known whether anyone answered.",
            };
            return new CallOutcomeReport { Kind = kind, Text = callId == null ? text : $"{text} (call {callId})" };
        }

        static string Raw(string? value) => string.IsNullOrWhiteSpace(value) ? "none given" : "\"" + SpeechText.Preview(value, 60) + "\"";

        public static string Duration(double seconds)
        {
            var s = (int)Math.Round(seconds);
            if (s < 60) return s == 1 ? "1 second" : $"{s} seconds";
            var m = s / 60;
            var r = s % 60;
            var min = m == 1 ? "1 minute" : $"{m} minutes";
            return r == 0 ? min : $"{min} {(r == 1 ? "1 second" : $"{r} seconds")}";
        }
    }

    /// <summary>call.ended: logs the outcome (without what the voicemail said, unless -Debug) and reports it to the agent, fire-and-forget.</summary>
    internal sealed class CallOutcomeHandler
    {
        readonly BridgeCore _core;
        readonly AgentGateway _agent;

        public CallOutcomeHandler(BridgeCore core, AgentGateway agent)
        {
            _core = core;
            _agent = agent;
        }

        public void OnCallEnded(JObject f)
        {
            var callId = Json.Str(f, "call_id");
            var report = CallOutcomes.Describe(f);
            var log = _core.Log;
            log.Write(report.Kind == CallOutcomeKind.Unknown ? BridgeLogLevel.Warning : BridgeLogLevel.Information, "call_ended",
                log.DebugEnabled ? report.Text : CallOutcomes.Describe(f, withVoicemail: false).Text, callId,
                data: LogData.Of(("outcome", Json.Str(f, "outcome")), ("reason", Json.Str(f, "reason")), ("kind", report.Kind.ToString()),
                    ("direction", Json.Str(f, "direction")), ("duration_seconds", Json.Int(f, "duration_seconds"))));
            _core.Spawn(() => _agent.ReportAsync(report.Text, callId));
        }
    }
}
