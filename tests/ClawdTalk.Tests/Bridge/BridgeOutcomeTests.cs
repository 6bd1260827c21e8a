using System;
using ClawdTalk.Bridge;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// Every outcome and reason a call.ended frame may carry gives a report that says what happened (api-contract.md,
    /// "Call outcome reports": the outcome first, then the reason); one the module does not know is reported as unknown
    /// with the raw values, and never as answered or completed.
    /// </summary>
    public class BridgeOutcomeTests
    {
        static CallOutcomeReport Report(string? outcome, string? reason, string direction = "outbound", int duration = 0, string? voicemail = null)
        {
            var f = new JObject { ["call_id"] = "c9", ["direction"] = direction, ["to_number"] = "+15550001111", ["duration_seconds"] = duration };
            if (outcome != null) f["outcome"] = outcome;
            if (reason != null) f["reason"] = reason;
            if (voicemail != null) f["voicemail_message"] = voicemail;
            return CallOutcomes.Describe(f);
        }

        [Theory]
        // outcome, reason, kind, what the sentence must say
        [InlineData("answered", "hangup", nameof(CallOutcomeKind.Answered), "was answered and completed after 1 minute 5 seconds")]
        [InlineData("voicemail", null, nameof(CallOutcomeKind.VoicemailLeft), "went to voicemail; the message left was: \"Please call back\"")]
        [InlineData("voicemail", "amd_beep", nameof(CallOutcomeKind.VoicemailLeft), "went to voicemail; the message left was")]
        [InlineData("voicemail_failed", null, nameof(CallOutcomeKind.VoicemailFailed), "no message was left (no beep was detected)")]
        [InlineData("voicemail_failed", "amd_silence", nameof(CallOutcomeKind.VoicemailFailed), "went to voicemail, but no message was left")]
        [InlineData("no_answer", null, nameof(CallOutcomeKind.NoAnswer), "was not answered")]
        [InlineData("no-answer", null, nameof(CallOutcomeKind.NoAnswer), "was not answered")]
        [InlineData(null, "amd_silence", nameof(CallOutcomeKind.NoAnswer), "was not answered: only silence was detected")]
        [InlineData("answered", "amd_silence", nameof(CallOutcomeKind.NoAnswer), "only silence was detected")]
        [InlineData("busy", "busy", nameof(CallOutcomeKind.Busy), "got a busy signal")]
        [InlineData("failed", "carrier_rejected", nameof(CallOutcomeKind.Failed), "failed to connect (carrier_rejected)")]
        [InlineData("canceled", "api", nameof(CallOutcomeKind.Canceled), "was canceled before it connected (api)")]
        [InlineData("cancelled", null, nameof(CallOutcomeKind.Canceled), "was canceled before it connected")]
        [InlineData("fax", null, nameof(CallOutcomeKind.Fax), "reached a fax machine; nobody was spoken to")]
        [InlineData("timeout", null, nameof(CallOutcomeKind.TimedOut), "timed out before anyone answered")]
        [InlineData(null, "timeout", nameof(CallOutcomeKind.TimedOut), "timed out before anyone answered (timeout)")]
        [InlineData(null, "user_hangup", nameof(CallOutcomeKind.Completed), "ended when the other side hung up after 1 minute 5 seconds")]
        [InlineData(null, "busy", nameof(CallOutcomeKind.Busy), "got a busy signal")]
        [InlineData(null, "fax", nameof(CallOutcomeKind.Fax), "fax machine")]
        [InlineData(null, null, nameof(CallOutcomeKind.Unknown), "(outcome: none given, reason: none given)")]
        [InlineData("", "", nameof(CallOutcomeKind.Unknown), "(outcome: none given, reason: none given)")]
        [InlineData("sip_603", "declined", nameof(CallOutcomeKind.Unknown), "(outcome: \"sip_603\", reason: \"declined\")")]
        [InlineData("weird", "user_hangup", nameof(CallOutcomeKind.Unknown), "(outcome: \"weird\", reason: \"user_hangup\")")]
        [InlineData(null, "something_new", nameof(CallOutcomeKind.Unknown), "(outcome: none given, reason: \"something_new\")")]
        public void Every_outcome_and_reason_is_reported_for_what_it_is(string? outcome, string? reason, string kindName, string says)
        {
            var kind = Enum.Parse<CallOutcomeKind>(kindName);
            var r = Report(outcome, reason, duration: 65, voicemail: "Please call back");
            Assert.Equal(kind, r.Kind);
            Assert.Contains(says, r.Text);
            Assert.EndsWith("(call c9)", r.Text);
            Assert.StartsWith("The call to +15550001111", r.Text);
            if (kind != CallOutcomeKind.Answered && kind != CallOutcomeKind.Completed)
            {
                Assert.DoesNotContain("answered and completed", r.Text);
                Assert.DoesNotContain("hung up", r.Text);
            }
            if (kind != CallOutcomeKind.VoicemailLeft) Assert.DoesNotContain("message left was", r.Text);
            if (kind == CallOutcomeKind.Unknown) Assert.Contains("not known whether anyone answered", r.Text);
        }

        [Fact]
        public void The_issue_s_case_voicemail_failed_with_amd_silence_is_not_answered()
        {
            var r = Report("voicemail_failed", "amd_silence", duration: 12);
            Assert.Equal(CallOutcomeKind.VoicemailFailed, r.Kind);
            Assert.DoesNotContain("answered and completed", r.Text);
            Assert.DoesNotContain("a message was left", r.Text);
        }

        [Fact]
        public void Inbound_calls_end_with_their_duration_and_purpose_falls_back_to_the_greeting()
        {
            Assert.Equal("An inbound call ended after 42 seconds. (call c9)", Report("answered", "hangup", "inbound", 42).Text);
            var f = JObject.Parse("{\"direction\":\"outbound\",\"outcome\":\"busy\",\"to_number\":\"+1555\",\"greeting\":\"Hi, it's about Tuesday\"}");
            Assert.Equal("The call to +1555 about \"Hi, it's about Tuesday\" got a busy signal.", CallOutcomes.Describe(f).Text);
        }

        [Fact]
        public void The_voicemail_text_stays_out_of_the_log_version()
        {
            var f = JObject.Parse("{\"direction\":\"outbound\",\"outcome\":\"voicemail\",\"to_number\":\"+1555\",\"voicemail_message\":\"secret plans\"}");
            Assert.DoesNotContain("secret plans", CallOutcomes.Describe(f, withVoicemail: false).Text);
            Assert.Contains("secret plans", CallOutcomes.Describe(f).Text);
        }
    }
}
