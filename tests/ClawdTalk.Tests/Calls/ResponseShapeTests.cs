using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Xunit;
using Reply = ClawdTalk.Tests.Harness.ScriptedServer.Reply;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>
    /// The other response shapes the contract allows (the sandbox serves only the first), failure bodies with 2xx statuses,
    /// and the no-duplicate rule for billable requests, against a scripted loopback server.
    /// </summary>
    public class ResponseShapeTests
    {
        static (PsSession ps, Dictionary<string, object?> vars) Connected(ScriptedServer server, string connectArgs = "")
        {
            var key = Keys.NewApiKey();
            var ps = new PsSession().Secret(key);
            var vars = new Dictionary<string, object?> { ["key"] = SecureStrings.From(key), ["url"] = server.Url };
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url " + connectArgs, vars).Ok();
            return (ps, vars);
        }

        [Theory]
        [InlineData("{\"call\":{\"call_id\":\"c1\",\"status\":\"ringing\"}}", "c1", DirectCallStatus.Ringing)]
        [InlineData("{\"data\":{\"call_id\":\"c2\",\"status\":\"initiating\"}}", "c2", DirectCallStatus.Initiating)]
        [InlineData("{\"id\":\"c3\",\"status\":\"queued\",\"to\":\"+12125550142\"}", "c3", DirectCallStatus.Initiating)]
        [InlineData("{\"call_id\":\"c4\",\"status\":\"in_progress\"}", "c4", DirectCallStatus.InProgress)]
        public void Call_envelopes_are_all_read(string body, string id, DirectCallStatus status)
        {
            using var server = new ScriptedServer().Then(new Reply(201, body));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var call = ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Force").Ok().Single<DirectCall>();
                Assert.Equal(id, call.CallId);
                Assert.Equal(status, call.Status);
                Assert.Equal("+12125550142", call.To);
            }
        }

        [Theory]
        [InlineData(200, "{\"error\":{\"code\":\"paid_plan_required\",\"message\":\"Upgrade to call external numbers\"}}", "PaidPlanRequired", ErrorCategory.PermissionDenied)]
        [InlineData(402, "{\"error\":\"Payment required: this needs a paid plan\"}", "PaidPlanRequired", ErrorCategory.PermissionDenied)]
        [InlineData(200, "{\"error\":\"Number is on the do-not-call list\"}", "CallFailed", ErrorCategory.InvalidResult)]
        [InlineData(200, "{\"status\":\"ringing\"}", "InvalidServerResponse", ErrorCategory.InvalidResult)]
        [InlineData(500, "{\"message\":\"boom\"}", "ServerError", ErrorCategory.ResourceUnavailable)]
        public void Call_failures_are_mapped_and_never_retried(int status, string body, string errorId, ErrorCategory category)
        {
            using var server = new ScriptedServer().Then(new Reply(status, body), new Reply(201, "{\"call_id\":\"dup\",\"status\":\"ringing\"}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Force");
                r.Error(errorId, category);
                Assert.Empty(r.Output);
                Assert.Single(server.Requests); // a billable create is not sent twice
            }
        }

        [Fact]
        public void A_connection_dropped_after_sending_is_RequestOutcomeUnknown_not_a_second_call()
        {
            using var server = new ScriptedServer().Then(new Reply(0, Reset: true));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("Start-ClawdTalkCall -Force");
                r.Error("RequestOutcomeUnknown");
                Assert.Single(server.Requests);
            }
        }

        [Theory]
        [InlineData(200, "{\"error\":{\"code\":\"carrier_rejected\",\"message\":\"Carrier rejected the message\"}}", "SmsFailed")]
        [InlineData(403, "{\"error\":{\"code\":\"plan_limit\",\"message\":\"Free plan cannot text external numbers\"}}", "PaidPlanRequired")]
        [InlineData(422, "{\"error\":{\"code\":\"invalid\",\"message\":\"bad\"}}", "ValidationFailed")]
        public void Sms_failures_are_mapped_and_never_retried(int status, string body, string errorId)
        {
            using var server = new ScriptedServer().Then(new Reply(status, body));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("Send-ClawdTalkSms -To '+1 303 555 0101' -Message 'hi' -Force");
                Assert.Equal("+13035550101", r.Error(errorId).TargetObject);
                Assert.Single(server.Requests);
            }
        }

        [Theory]
        [InlineData("{\"message\":{\"id\":\"m1\",\"from\":\"+12125550100\",\"status\":\"queued\"}}", "m1")]
        [InlineData("{\"data\":{\"message_id\":\"m2\",\"from\":\"+12125550100\"}}", "m2")]
        [InlineData("{\"id\":\"m3\",\"from\":\"+12125550100\"}", "m3")]
        public void Sms_envelopes_are_all_read_and_missing_fields_come_from_the_request(string body, string id)
        {
            using var server = new ScriptedServer().Then(new Reply(200, body));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var m = ps.Run("Send-ClawdTalkSms -To '+1 303 555 0101' -Message 'hi there' -Force").Ok().Single<SmsMessage>();
                Assert.Equal(id, m.MessageId);
                Assert.Equal("+12125550100", m.From);
                Assert.Equal("+13035550101", m.To);
                Assert.Equal("hi there", m.Body);
                Assert.Equal(SmsDirection.Outbound, m.Direction);
            }
        }

        [Fact]
        public void Listing_warns_when_more_messages_exist_than_the_default_page()
        {
            var messages = string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"id\":\"m{i}\",\"direction\":\"inbound\",\"from\":\"+13035550101\",\"to\":\"+12125550100\",\"body\":\"b{i}\"}}"));
            using var server = new ScriptedServer().Then(new Reply(200, $"{{\"messages\":[{messages}],\"pagination\":{{\"total\":120}}}}"),
                new Reply(200, $"{{\"data\":[{messages}],\"pagination\":{{\"total\":120}}}}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("Get-ClawdTalkMessage").Ok();
                Assert.Equal(50, r.Objects<SmsMessage>().Count);
                Assert.Contains(r.Warnings, w => w.Contains("50 of 120") && w.Contains("-First"));
                Assert.Contains("limit=50", server.Requests.First().Path);

                r = ps.Run("Get-ClawdTalkMessage -First 10").Ok(); // asked for a page: no warning
                Assert.Equal(10, r.Objects<SmsMessage>().Count);
                Assert.Empty(r.Warnings);
                Assert.All(r.Objects<SmsMessage>(), m => Assert.Equal("+13035550101", m.Contact));
            }
        }

        [Fact]
        public void Conversations_accept_a_text_last_message()
        {
            using var server = new ScriptedServer().Then(new Reply(200, "{\"conversations\":[{\"contact\":\"+13035550101\",\"last_message\":\"see you\"}]}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var c = ps.Run("Get-ClawdTalkConversation").Ok().Single<SmsConversation>();
                Assert.Equal("+13035550101", c.Contact);
                Assert.Equal("see you", c.LastMessage!.Body);
            }
        }

        const string Created = "{\"request_id\":\"apr_1\",\"devices_notified\":1,\"devices_failed\":0}";

        [Theory]
        [InlineData("{\"approval\":{\"status\":\"approved\"}}", ApprovalDecision.Approved)]
        [InlineData("{\"data\":{\"status\":\"denied\"}}", ApprovalDecision.Denied)]
        [InlineData("{\"status\":\"expired\"}", ApprovalDecision.Timeout)]
        public void Approval_status_envelopes_are_all_read(string status, ApprovalDecision expected)
        {
            using var server = new ScriptedServer().Then(new Reply(201, Created), new Reply(200, status));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var result = ps.Run("Request-ClawdTalkApproval 'Deploy'").Ok().Single<ApprovalResult>();
                Assert.Equal(expected, result.Decision);
                Assert.Equal(expected == ApprovalDecision.Approved, result.Approved);
                Assert.Equal("/v1/approvals/apr_1", server.Requests.Last().Path);
            }
        }

        [Theory]
        [InlineData(200, "{\"status\":\"maybe\"}", "ApprovalStatusUnknown")]
        [InlineData(200, "{\"status\":\"APPROVED!\"}", "ApprovalStatusUnknown")]
        [InlineData(404, "{\"error\":\"gone\"}", "ApprovalNotFound")]
        [InlineData(200, "not json", "InvalidServerResponse")]
        [InlineData(401, "{\"error\":\"key revoked\"}", "ApiUnauthorized")]
        public void Anything_odd_while_waiting_fails_closed(int code, string body, string errorId)
        {
            using var server = new ScriptedServer().Then(new Reply(201, Created), new Reply(code, body));
            var (ps, _) = Connected(server, "-MaxRetryCount 0");
            using (ps)
            {
                var r = ps.Run("Request-ClawdTalkApproval 'Deploy'");
                var result = r.Objects<ApprovalResult>().Single();
                Assert.Equal(ApprovalDecision.Error, result.Decision);
                Assert.False(result.Approved);
                Assert.Equal(errorId, result.ErrorId);
                r.Error(errorId);
                Assert.Null(r.Terminating);
            }
        }

        [Fact]
        public void A_created_request_without_an_id_fails_closed()
        {
            using var server = new ScriptedServer().Then(new Reply(201, "{\"devices_notified\":1}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("Request-ClawdTalkApproval 'Deploy'");
                Assert.Equal(ApprovalDecision.Error, r.Objects<ApprovalResult>().Single().Decision);
                r.Error("InvalidServerResponse");
                Assert.Single(server.Requests);
            }
        }

        [Fact]
        public void Approval_lists_may_be_a_bare_array()
        {
            using var server = new ScriptedServer().Then(new Reply(200, "[{\"id\":\"apr_7\",\"status\":\"pending\",\"action\":\"Deploy\"}]"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var a = ps.Run("Get-ClawdTalkApproval -Status Pending").Ok().Single<ApprovalRequest>();
                Assert.Equal("apr_7", a.RequestId);
                Assert.Equal(ApprovalStatus.Pending, a.Status);
                Assert.Equal("/v1/approvals?status=pending", server.Requests.Single().Path);
            }
        }
    }
}
