using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>Start-ClawdTalkCall end to end against a fast sandbox: magic numbers, -Wait, plan errors, validation, ShouldProcess.</summary>
    public class CallTests : IClassFixture<FastSandbox>
    {
        readonly FastSandbox _sb;
        public CallTests(FastSandbox sb) => _sb = sb;

        [Theory]
        [InlineData("+1 212 555 0001", DirectCallStatus.NoAnswer, "no-answer")]
        [InlineData("+1 212 555 0002", DirectCallStatus.Busy, "busy")]
        [InlineData("+1 212 555 0003", DirectCallStatus.Completed, "voicemail")]
        [InlineData("+1 212 555 0004", DirectCallStatus.Failed, "failed")]
        [InlineData("+1 212 555 0142", DirectCallStatus.Completed, "answered")]
        public void Wait_follows_a_call_to_its_magic_number_outcome(string number, DirectCallStatus status, string outcome)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("Start-ClawdTalkCall -To $to -Purpose 'Check in' -Wait -Force", _sb.Vars(("to", number))).Ok();
            var call = r.Single<DirectCall>();
            Assert.Equal(status, call.Status);
            Assert.Equal(outcome, call.Outcome);
            Assert.True(call.IsEnded);
            Assert.Equal("+1212555" + number[^4..], call.To);
            Assert.Equal("Check in", call.Purpose);
            Assert.True(call.PrivacyMode); // an external number
            if (outcome == "answered") Assert.True(call.DurationSeconds > 0);

            var post = Assert.Single(_sb.Requests(mark, "POST", "/v1/calls"));
            var body = JsonNode.Parse((string)post["body"]!)!;
            Assert.Equal("+1212555" + number[^4..], (string?)body["to"]); // normalized to E.164 before sending
            Assert.Equal("Check in", (string?)body["context"]!["purpose"]);
            Assert.True(_sb.Requests(mark, "GET", "/v1/calls/" + call.CallId).Count >= 1);

            // one progress activity, updated and always completed
            Assert.NotEmpty(r.Progress);
            Assert.All(r.Progress, p => Assert.Equal(r.Progress[0].ActivityId, p.ActivityId));
            Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
            Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Processing);
        }

        [Fact]
        public void Magic_0005_is_not_answered_first_and_answered_on_the_next_attempt()
        {
            using var ps = _sb.Session();
            var vars = _sb.Vars(("to", "+1 646 555 0005"));
            var first = ps.Run("Start-ClawdTalkCall -To $to -Wait -Force", vars).Ok().Single<DirectCall>();
            var second = ps.Run("Start-ClawdTalkCall -To $to -Wait -Force", vars).Ok().Single<DirectCall>();
            Assert.Equal(DirectCallStatus.NoAnswer, first.Status);
            Assert.Equal(DirectCallStatus.Completed, second.Status);
            Assert.Equal("answered", second.Outcome);
            Assert.NotEqual(first.CallId, second.CallId);
        }

        [Fact]
        public void Without_To_it_calls_the_owner_and_sends_no_number()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var call = ps.Run("Start-ClawdTalkCall -Greeting 'Hi, it is your agent' -Force").Ok().Single<DirectCall>();
            Assert.StartsWith("call_", call.CallId);
            Assert.Contains(call.Status, new[] { DirectCallStatus.Initiating, DirectCallStatus.Ringing });
            Assert.False(call.PrivacyMode);
            var body = JsonNode.Parse((string)Assert.Single(_sb.Requests(mark, "POST", "/v1/calls"))["body"]!)!.AsObject();
            Assert.False(body.ContainsKey("to"));
            Assert.Equal("Hi, it is your agent", (string?)body["greeting"]);
            Assert.False(body.ContainsKey("context"));

            // the object carries its id down the pipeline
            var again = ps.Run("$c = Get-ClawdTalkCall -CallId $id; $c; $c | Get-ClawdTalkCall", _sb.Vars(("id", call.CallId))).Ok().Objects<DirectCall>();
            Assert.Equal(2, again.Count);
            Assert.All(again, c => Assert.Equal(call.CallId, c.CallId));
        }

        [Fact]
        public void External_number_on_a_free_plan_is_PaidPlanRequired_and_the_owner_can_still_be_called()
        {
            using var ps = _sb.Session();
            _sb.Control("account", "{\"plan\":\"free\"}");
            try
            {
                var mark = _sb.Mark();
                var r = ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Force");
                Assert.Empty(r.Objects<DirectCall>());
                var e = r.Error("PaidPlanRequired", ErrorCategory.PermissionDenied);
                Assert.Contains("paid", e.ErrorDetails.Message, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("owner", e.ErrorDetails.RecommendedAction);
                var post = Assert.Single(_sb.Requests(mark, "POST", "/v1/calls")); // a create is never retried
                Assert.Equal(403, (int)post["status"]!);

                var owner = ps.Run("Start-ClawdTalkCall -Force").Ok().Single<DirectCall>();
                Assert.False(owner.PrivacyMode);
            }
            finally
            {
                _sb.Control("account", "{\"plan\":\"paid\"}");
            }
        }

        [Theory]
        [InlineData("+1 555 123 4567")]      // fictional area code
        [InlineData("212 555 0100")]         // no country code
        [InlineData("+1 212 555 0100 x12")]  // extension
        [InlineData("+1 212 555")]           // too short
        [InlineData("+999 123 4567")]        // no such country code
        [InlineData("call me")]
        [InlineData("")]
        public void Invalid_numbers_are_InvalidPhoneNumber_and_nothing_is_sent(string number)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("Start-ClawdTalkCall -To $to -Force", _sb.Vars(("to", number)));
            var e = r.Error("InvalidPhoneNumber", ErrorCategory.InvalidArgument);
            Assert.Contains("+1 212 555 0100", e.ErrorDetails.RecommendedAction);
            Assert.Empty(r.Output);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void WhatIf_and_a_declined_confirmation_send_nothing()
        {
            var mark = _sb.Mark();
            using (var ps = _sb.Session())
            {
                var r = ps.RunFormatted("Start-ClawdTalkCall -To '+1 212 555 0142' -WhatIf").Ok();
                Assert.Contains("What if", r.HostText);
                Assert.Contains("+12125550142", r.HostText);
            }
            using (var ps = _sb.Session(input: new StringReader("N\n")))
            {
                // ConfirmImpact High: without -Force the user is asked, and "No" sends nothing
                var r = ps.RunFormatted("Start-ClawdTalkCall -To '+1 212 555 0142'").Ok();
                Assert.Contains("billable", r.HostText);
            }
            Assert.Empty(_sb.Requests(mark, "POST", "/v1/calls"));
        }

        [Fact]
        public void Empty_or_oversized_greeting_and_bad_timeout_are_refused_before_sending()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            ps.Run("Start-ClawdTalkCall -Greeting '  ' -Force").Error("InvalidGreeting", ErrorCategory.InvalidArgument);
            ps.Run("Start-ClawdTalkCall -Purpose ('x' * 2001) -Force").Error("InvalidPurpose", ErrorCategory.InvalidArgument);
            ps.Run("Start-ClawdTalkCall -Wait -Timeout 0 -Force").Error("InvalidTimeout", ErrorCategory.InvalidArgument);
            ps.Run("Start-ClawdTalkCall -Timeout 5 -Force").Error("TimeoutWithoutWait", ErrorCategory.InvalidArgument);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void A_pipeline_of_numbers_calls_each_valid_one_and_reports_the_invalid_one()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("'+1 212 555 0142', '+1 555 000 0000', '+44 20 7946 0001' | Start-ClawdTalkCall -Force");
            Assert.Equal(new[] { "+12125550142", "+442079460001" }, r.Objects<DirectCall>().Select(c => c.To));
            Assert.Single(r.Errors);
            r.Error("InvalidPhoneNumber");
            Assert.Equal(2, _sb.Requests(mark, "POST", "/v1/calls").Count);
        }

        [Fact]
        public void Table_view_shows_id_status_number_and_outcome()
        {
            using var ps = _sb.Session();
            var r = ps.RunFormatted("Start-ClawdTalkCall -To '+1 212 555 0003' -Purpose 'Leave a note' -Wait -Force").Ok();
            Assert.Matches(@"CallId\s+Status\s+To\s+Duration\s+Outcome\s+Purpose", r.HostText);
            Assert.Matches(@"call_\d+\s+Completed\s+\+12125550003\s+\d+:\d\d\s+voicemail\s+Leave a note", r.HostText);
        }

        [Fact]
        public void Started_calls_complete_by_tab()
        {
            using var ps = _sb.Session();
            var call = ps.Run("Start-ClawdTalkCall -Force").Ok().Single<DirectCall>();
            var line = "Get-ClawdTalkCall -CallId ";
            var matches = ps.Run("(TabExpansion2 $line $line.Length).CompletionMatches.CompletionText", _sb.Vars(("line", line))).Ok().Output.Select(o => o.ToString());
            Assert.Contains(call.CallId, matches);
            line = "Send-ClawdTalkSms -Message hi -To +1212";
            ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Force").Ok();
            matches = ps.Run("(TabExpansion2 $line $line.Length).CompletionMatches.CompletionText", _sb.Vars(("line", line))).Ok().Output.Select(o => o.ToString());
            Assert.Contains("+12125550142", matches);
        }
    }
}
