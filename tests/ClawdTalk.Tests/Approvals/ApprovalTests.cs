using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using ClawdTalk.Tests.Calls;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Approvals
{
    /// <summary>
    /// Request-ClawdTalkApproval and Get-ClawdTalkApproval end to end: the owner answers through the sandbox's control endpoint
    /// while the cmdlet waits; devices, expiry, timeouts and server errors (which must fail closed).
    /// </summary>
    public class ApprovalTests : IClassFixture<RealTimeSandbox>
    {
        readonly RealTimeSandbox _sb;
        public ApprovalTests(RealTimeSandbox sb) => _sb = sb;

        static string UniqueAction(string what) => $"{what} #{Guid.NewGuid():N}"[..40];

        /// <summary>The sandbox's approval with this action, once the cmdlet has created it.</summary>
        JObject Pending(string action) => SandboxHarness.WaitFor(
            () => ((JArray)_sb.Api("approvals?status=pending")).OfType<JObject>().FirstOrDefault(a => (string?)a["action"] == action),
            TimeSpan.FromSeconds(15), "the approval request " + action);

        /// <summary>Starts the script on another thread, answers the approval as the owner, and returns what the script produced.</summary>
        PsResult Answered(PsSession ps, string script, string action, string decision)
        {
            var run = Task.Run(() => ps.Run(script, _sb.Vars(("action", action))));
            var request = Pending(action);
            _sb.Control($"approvals/{(string)request["request_id"]!}/respond", $"{{\"decision\":\"{decision}\"}}");
            Assert.True(run.Wait(TimeSpan.FromSeconds(20)), "the cmdlet did not return after the answer");
            return run.Result;
        }

        [Theory]
        [InlineData("approved", ApprovalDecision.Approved)]
        [InlineData("denied", ApprovalDecision.Denied)]
        [InlineData("expired", ApprovalDecision.Timeout)]
        public void The_owners_answer_is_the_decision(string answer, ApprovalDecision expected)
        {
            using var ps = _sb.Session();
            var action = UniqueAction("Deploy to production");
            var mark = _sb.Mark();
            var r = Answered(ps, "Request-ClawdTalkApproval -Action $action -Details 'v2.3, 14 files' -Biometric -Timeout 60", action, answer).Ok();
            var result = r.Single<ApprovalResult>();
            Assert.Equal(expected, result.Decision);
            Assert.Equal(expected == ApprovalDecision.Approved, result.Approved);
            Assert.Equal(action, result.Action);
            Assert.Equal("v2.3, 14 files", result.Details);
            Assert.StartsWith("apr_", result.RequestId);
            Assert.Equal(1, result.DevicesNotified);
            Assert.True(result.RequireBiometric);
            Assert.NotNull(result.DecidedAt);
            Assert.True(result.DecidedAt >= result.RequestedAt);
            Assert.Null(result.ErrorId);

            var body = JsonNode.Parse((string)Assert.Single(_sb.Requests(mark, "POST", "/v1/approvals"))["body"]!)!;
            Assert.Equal(action, (string?)body["action"]);
            Assert.Equal("v2.3, 14 files", (string?)body["details"]);
            Assert.True((bool)body["require_biometric"]!);
            Assert.Equal(60, (int)body["expires_in"]!);

            Assert.NotEmpty(r.Progress);
            Assert.All(r.Progress, p => Assert.Equal(r.Progress[0].ActivityId, p.ActivityId));
            Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.Contains("Waiting for the owner"));
            Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
        }

        [Theory]
        [InlineData(0, 0, ApprovalDecision.NoDevices)]
        [InlineData(0, 2, ApprovalDecision.NoDevicesReached)]
        public void Without_a_reachable_device_the_decision_comes_at_once(int count, int failed, ApprovalDecision expected)
        {
            using var ps = _sb.Session();
            _sb.Control("devices", $"{{\"count\":{count},\"failed\":{failed}}}");
            try
            {
                var mark = _sb.Mark();
                var result = ps.Run("Request-ClawdTalkApproval 'Send the weekly report'").Ok().Single<ApprovalResult>();
                Assert.Equal(expected, result.Decision);
                Assert.False(result.Approved);
                Assert.Equal(0, result.DevicesNotified);
                Assert.Equal(failed, result.DevicesFailed);
                Assert.Empty(_sb.Requests(mark, "GET", "/v1/approvals/")); // nothing to wait for
            }
            finally
            {
                _sb.Control("devices", "{\"count\":1,\"failed\":0}");
            }
        }

        [Fact]
        public void An_unanswered_request_times_out_as_Timeout_without_an_error()
        {
            using var ps = _sb.Session();
            var r = ps.Run("Request-ClawdTalkApproval -Action 'Merge the pull request' -Timeout 1").Ok();
            var result = r.Single<ApprovalResult>();
            Assert.Equal(ApprovalDecision.Timeout, result.Decision);
            Assert.False(result.Approved);
            Assert.True(r.Duration >= TimeSpan.FromSeconds(1));
            Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
        }

        [Fact]
        public async Task A_server_error_during_the_wait_fails_closed()
        {
            using var ps = _sb.Session("-MaxRetryCount 1");
            var action = UniqueAction("Transfer 500 USD");
            var run = Task.Run(() => ps.Run("Request-ClawdTalkApproval -Action $action -Timeout 60", _sb.Vars(("action", action))));
            var request = Pending(action);
            _sb.Control("faults", "{\"rate\":1,\"faults\":[\"503\"]}");
            PsResult r;
            try
            {
                r = await run.WaitAsync(TimeSpan.FromSeconds(20)); // the wait ends on the server error
            }
            finally
            {
                _sb.Control("faults", "{\"rate\":0}");
            }
            // the owner approving afterwards changes nothing: the decision was already made, and it is not Approved
            _sb.Control($"approvals/{(string)request["request_id"]!}/respond", "{\"decision\":\"approved\"}");
            var result = r.Objects<ApprovalResult>().Single();
            Assert.Equal(ApprovalDecision.Error, result.Decision);
            Assert.False(result.Approved);
            Assert.Equal("ServerError", result.ErrorId);
            Assert.Equal((string)request["request_id"]!, result.RequestId);
            Assert.Null(r.Terminating);
            var e = r.Error("ServerError", ErrorCategory.ResourceUnavailable);
            Assert.Equal(result.RequestId, e.TargetObject);
        }

        [Fact]
        public void A_server_error_while_requesting_fails_closed_and_creates_nothing()
        {
            using var ps = _sb.Session("-MaxRetryCount 0");
            _sb.Control("faults", "{\"rate\":1,\"faults\":[\"503\"]}");
            PsResult r;
            try { r = ps.Run("Request-ClawdTalkApproval -Action 'Delete the old backups'"); }
            finally { _sb.Control("faults", "{\"rate\":0}"); }
            var result = r.Objects<ApprovalResult>().Single();
            Assert.Equal(ApprovalDecision.Error, result.Decision);
            Assert.False(result.Approved);
            Assert.Null(result.RequestId);
            r.Error("ServerError", ErrorCategory.ResourceUnavailable);
            Assert.Null(r.Terminating);
            Assert.DoesNotContain(((JArray)_sb.Api("approvals")), a => (string?)a!["action"] == "Delete the old backups");
        }

        [Theory]
        [InlineData("-Action 'x' -Timeout 0", "InvalidTimeout")]
        [InlineData("-Action 'x' -Timeout -5", "InvalidTimeout")]
        [InlineData("-Action 'x' -Timeout 86401", "InvalidTimeout")]
        [InlineData("-Action ''", "EmptyAction")]
        [InlineData("-Action '   '", "EmptyAction")]
        public void Bad_input_is_refused_and_nothing_is_requested(string args, string errorId)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("Request-ClawdTalkApproval " + args);
            r.Error(errorId, ErrorCategory.InvalidArgument);
            Assert.Empty(r.Output);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void NoWait_returns_Pending_and_Get_follows_the_request_by_id_and_by_status()
        {
            using var ps = _sb.Session();
            var action = UniqueAction("Publish the blog post");
            var r = ps.Run("Request-ClawdTalkApproval -Action $action -NoWait -Timeout 120", _sb.Vars(("action", action))).Ok();
            var pending = r.Single<ApprovalResult>();
            Assert.Equal(ApprovalDecision.Pending, pending.Decision);
            Assert.False(pending.Approved);
            Assert.Null(pending.DecidedAt);
            Assert.Empty(r.Progress);

            // the result pipes into Get-ClawdTalkApproval by RequestId
            var got = ps.Run("$r | Get-ClawdTalkApproval", _sb.Vars(("r", pending))).Ok().Single<ApprovalRequest>();
            Assert.Equal(pending.RequestId, got.RequestId);
            Assert.Equal(ApprovalStatus.Pending, got.Status);
            Assert.Equal(action, got.Action);
            Assert.NotNull(got.ExpiresAt);
            Assert.Contains(ps.Run("Get-ClawdTalkApproval -Status Pending").Ok().Objects<ApprovalRequest>(), a => a.RequestId == pending.RequestId);

            _sb.Control($"approvals/{pending.RequestId}/respond", "{\"decision\":\"approved\"}");
            var approved = ps.Run("Get-ClawdTalkApproval -Status Approved").Ok().Objects<ApprovalRequest>();
            Assert.Contains(approved, a => a.RequestId == pending.RequestId);
            Assert.All(approved, a => Assert.Equal(ApprovalStatus.Approved, a.Status));
            Assert.DoesNotContain(ps.Run("Get-ClawdTalkApproval -Status Pending").Ok().Objects<ApprovalRequest>(), a => a.RequestId == pending.RequestId);
            Assert.Contains(ps.Run("Get-ClawdTalkApproval").Ok().Objects<ApprovalRequest>(), a => a.RequestId == pending.RequestId);

            var table = ps.RunFormatted("Get-ClawdTalkApproval -RequestId $id", _sb.Vars(("id", pending.RequestId))).Ok();
            Assert.Matches(@"RequestId\s+Status\s+Created\s+Expires\s+Action", table.HostText);
            Assert.Matches(pending.RequestId + @"\s+Approved\s+\d{4}-", table.HostText);
        }

        [Fact]
        public void Get_reports_an_unknown_id_as_ApprovalNotFound()
        {
            using var ps = _sb.Session();
            var r = ps.Run("Get-ClawdTalkApproval apr_nope");
            Assert.Equal("apr_nope", r.Error("ApprovalNotFound", ErrorCategory.ObjectNotFound).TargetObject);
            ps.Run("Get-ClawdTalkApproval -Status Unknown").Error("InvalidApprovalStatus", ErrorCategory.InvalidArgument);
        }

        [Fact]
        public async Task A_decision_pushed_by_a_running_bridge_ends_the_wait_at_once()
        {
            // The bridge publishes approval.responded to the process-wide hub; the module in this runspace is the same assembly.
            using var ps = _sb.Session();
            var action = UniqueAction("Post the tweet");
            var run = Task.Run(() => ps.Run("Request-ClawdTalkApproval -Action $action -Timeout 60", _sb.Vars(("action", action))));
            var request = Pending(action);
            ClawdTalk.Approvals.ApprovalHub.Publish(new Uri(_sb.Url + "/v1/"), (string)request["request_id"]!, "denied");
            // Marked after the push: the polls before it (one a second, as many as load delays the push) do not count.
            var pushed = _sb.Mark();
            var result = (await run.WaitAsync(TimeSpan.FromSeconds(5))).Ok().Single<ApprovalResult>();
            // the push decided: the service still says pending, so no poll could have given "denied"
            Assert.Equal(ApprovalDecision.Denied, result.Decision);
            Assert.Equal("pending", (string?)_sb.Api("approvals/" + result.RequestId)["status"]);
            // and it ended the wait: after the push the service was read at most once more (a read already under way when
            // the push came), however slow the machine; a wait that ignored the push would poll once a second until -Timeout.
            Assert.True(_sb.Requests(pushed, "GET", "/v1/approvals/").Count <= 1);
        }

        [Fact]
        public async Task A_decision_pushed_for_an_earlier_request_with_the_same_id_does_not_answer_a_new_one()
        {
            // a service may issue an id again (the sandbox counts from apr_000001 after a reset): a decision pushed before
            // the request was sent belongs to the earlier request, and must never approve this one
            using var ps = _sb.Session();
            var next = "apr_" + (((JArray)_sb.Api("approvals")).Count + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            ClawdTalk.Approvals.ApprovalHub.Publish(new Uri(_sb.Url + "/v1/"), next, "approved");
            var action = UniqueAction("Wire the deposit");
            var run = Task.Run(() => ps.Run("Request-ClawdTalkApproval -Action $action -Timeout 60", _sb.Vars(("action", action))));
            var request = Pending(action);
            Assert.Equal(next, (string?)request["request_id"]);
            // the owner denies it: had the old push counted, the cmdlet would have returned Approved before this
            _sb.Control($"approvals/{next}/respond", "{\"decision\":\"denied\"}");
            var result = (await run.WaitAsync(TimeSpan.FromSeconds(20))).Ok().Single<ApprovalResult>();
            Assert.Equal(next, result.RequestId);
            Assert.Equal(ApprovalDecision.Denied, result.Decision);
            Assert.False(result.Approved);
        }

        [Fact]
        public void Ctrl_C_stops_the_wait_and_writes_no_decision()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            // pressed once the approval is requested (the service answered the POST): the cmdlet is waiting for the decision
            var r = ps.RunAndStop("Request-ClawdTalkApproval -Action 'Push to main' -Timeout 60", () => _sb.Requests(mark, "POST", "/v1/approvals").Count > 0, TimeSpan.FromSeconds(30));
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Stop took {r.StopDuration}");
            Assert.Empty(r.Objects<ApprovalResult>());
        }

        [Fact]
        public void Table_view_shows_decision_devices_and_action()
        {
            using var ps = _sb.Session();
            var action = UniqueAction("Pay the invoice");
            var r = Answered(ps, "Request-ClawdTalkApproval -Action $action | Out-Default", action, "approved");
            Assert.Matches(@"Decision\s+Approved\s+Devices\s+RequestId\s+Action", r.HostText);
            Assert.Matches(@"Approved\s+True\s+1\s+apr_\d+\s+Pay the invoice", r.HostText);
        }
    }
}
