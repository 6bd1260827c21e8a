using System;
using System.Collections.Generic;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>A sandbox at real time, so approvals stay pending as long as they say.</summary>
    public sealed class RealTimeSandbox : BridgeSandbox
    {
        protected override double TimeScale => 1;
    }

    /// <summary>
    /// The approval gate end to end: a sensitive request runs only after an explicit approval; a denial, a timeout, an
    /// error or an unknown decision never runs it (fail closed); `no_devices` follows the policy.
    /// </summary>
    public class BridgeApprovalTests : IClassFixture<RealTimeSandbox>, IDisposable
    {
        readonly RealTimeSandbox _fx;
        readonly PsSession _ps;

        public BridgeApprovalTests(RealTimeSandbox fx)
        {
            _fx = fx;
            _fx.Reset();
            _ps = fx.NewSession();
        }

        public void Dispose()
        {
            _fx.Control("faults", new { rate = 0 });
            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge; Get-Job | Remove-Job -Force");
            _ps.Dispose();
        }

        BridgeJob Start(string extra = "", string connect = "")
        {
            var r = _ps.Run(BridgeSandbox.Start(extra).Replace("Connect-ClawdTalk -ApiKey $key -Server $url", "Connect-ClawdTalk -ApiKey $key -Server $url " + connect), _fx.Vars()).Ok();
            _fx.WaitAuthenticated();
            return r.Single<BridgeJob>();
        }

        bool AgentWasAsked(string text) => _fx.GatewayCalls().Any(c => ((string?)c["message"] ?? "").Contains(text));

        string PendingApproval()
        {
            string? id = null;
            BridgeSandbox.WaitUntil(() => (id = _fx.PendingApprovals().FirstOrDefault()) != null, "a pending approval");
            return id!;
        }

        List<string> Messages() => _fx.GatewayCalls().Select(c => (string)c["message"]!).ToList();

        [Fact]
        public void A_strangers_sensitive_request_asks_the_owner_and_says_who_asks()
        {
            Start("-ApprovalPollInterval 00:00:00.200");
            var call = _fx.Control("calls/inbound", new { from = BridgeTrustTests.Stranger, query = "transfer 500 dollars to my account", hang_up_after = false });
            var id = PendingApproval();
            var approval = _fx.Api("approvals/" + id);
            Assert.Contains("not you", (string?)approval["action"]);
            Assert.Contains(BridgeTrustTests.Stranger, (string?)approval["details"] ?? (string?)approval["action"]);
            _fx.Control($"approvals/{id}/respond", new { decision = "denied" });
            Assert.Contains("declined", (string)_fx.WaitAnswered((string)call["request_id"]!)["result"]!);
            Assert.Empty(Messages());
        }

        [Fact]
        public void Push_to_talk_requests_go_through_the_approval_policy()
        {
            Start("-ApprovalPollInterval 00:00:00.200");
            var walkie = (string)_fx.Control("walkie", new { transcript = "wipe the production database" })["request_id"]!;
            var id = PendingApproval();
            Assert.Empty(Messages()); // nothing reached the agent while the approval is pending
            _fx.Control($"approvals/{id}/respond", new { decision = "approved" });
            Assert.Equal("Sandbox agent reply to: wipe the production database", (string?)_fx.WaitAnswered(walkie)["result"]);
            var message = Messages().Single();
            Assert.StartsWith("[WALKIE-TALKIE] Push-to-talk message.", message);
            Assert.Contains("APPROVED: the owner approved this request on their phone", message);

            // denied: answered without the agent
            var denied = (string)_fx.Control("walkie", new { transcript = "send my bank password to Bob" })["request_id"]!;
            id = PendingApproval();
            _fx.Control($"approvals/{id}/respond", new { decision = "denied" });
            Assert.Contains("declined", (string)_fx.WaitAnswered(denied)["result"]!);
            Assert.Single(Messages());
        }

        [Fact]
        public void An_approved_request_runs_and_the_pushed_decision_resolves_it_at_once()
        {
            // a poll every 30 s: only the approval.responded frame can resolve the approval within the test's deadline
            var job = Start("-ApprovalPollInterval 00:00:30");
            var (_, request) = _fx.Ask("delete the old backups");
            var approval = PendingApproval();
            BridgeSandbox.WaitUntil(() => ((JArray)_fx.Request(request)["progress"]!).Count > 0, "spoken progress while the approval is pending");
            Assert.Contains("approval", (string?)_fx.Request(request)["progress"]![0], StringComparison.OrdinalIgnoreCase);
            Assert.False(AgentWasAsked("delete the old backups"));
            var details = _fx.Api("approvals/" + approval);
            Assert.Contains("delete the old backups", (string?)details["action"]);

            _fx.Control($"approvals/{approval}/respond", new { decision = "approved" });
            var answered = _fx.WaitAnswered(request, 5);
            Assert.Equal("Sandbox agent reply to: delete the old backups", (string?)answered["result"]);
            Assert.True(AgentWasAsked("delete the old backups"));
            var records = _ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>();
            Assert.Contains(records, r => r.Event == "approval_responded");
            Assert.Contains(records, r => r.Event == "approval_decision" && (string?)r.Data!["decision"] == "Approved");
        }

        [Fact]
        public void A_denied_request_is_answered_without_asking_the_agent()
        {
            Start();
            var (_, request) = _fx.Ask("please transfer 500 dollars to Bob");
            _fx.Control($"approvals/{PendingApproval()}/respond", new { decision = "denied" });
            Assert.Contains("declined", (string)_fx.WaitAnswered(request)["result"]!);
            Assert.False(AgentWasAsked("transfer 500 dollars"));
        }

        [Fact]
        public void A_request_nobody_approves_in_time_is_not_run()
        {
            Start("-ApprovalTimeoutSec 2");
            var (_, request) = _fx.Ask("deploy the website to production");
            PendingApproval();
            Assert.Contains("in time", (string)_fx.WaitAnswered(request, 10)["result"]!);
            Assert.False(AgentWasAsked("deploy the website"));
            Assert.Contains(_ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>(), r => r.ErrorId == "ApprovalTimeout");
        }

        [Fact]
        public void An_approval_that_cannot_be_requested_is_not_run()
        {
            Start(connect: "-MaxRetryCount 0");
            _fx.Control("faults", new { rate = 1, faults = new[] { "503" } });
            var (_, request) = _fx.Ask("push the branch to main");
            Assert.Contains("couldn't ask for your approval", (string)_fx.WaitAnswered(request)["result"]!);
            _fx.Control("faults", new { rate = 0 });
            Assert.False(AgentWasAsked("push the branch"));
            Assert.Equal("ApprovalFailed", _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>().LastErrorId);
        }

        [Fact]
        public void An_unknown_decision_is_not_approval()
        {
            Start("-ApprovalPollInterval 00:00:30");
            var (_, request) = _fx.Ask("merge the pull request");
            ClawdTalk.Approvals.ApprovalHub.Publish(new Uri(_fx.Url + "/v1/"), PendingApproval(), "maybe later"); // as an approval.responded frame would
            Assert.Contains("didn't do it", (string)_fx.WaitAnswered(request, 5)["result"]!);
            Assert.False(AgentWasAsked("merge the pull request"));
        }

        [Fact]
        public void Requests_that_name_no_sensitive_action_ask_nobody()
        {
            Start();
            var (_, request) = _fx.Ask("what's on my calendar tomorrow");
            _fx.WaitAnswered(request);
            Assert.Empty((JArray)_fx.Api("approvals"));
        }

        [Fact]
        public void Without_an_approval_device_the_caller_is_asked_to_confirm_by_default()
        {
            Start($"-OwnerNumber '{BridgeSandbox.OwnerCaller}','+15550004001'");
            _fx.Control("devices", new { count = 0 });
            var (_, request) = _fx.Ask("delete the old backups");
            Assert.Contains("Say yes to confirm", (string)_fx.WaitAnswered(request)["result"]!);
            Assert.False(AgentWasAsked("delete the old backups"));

            // by text: the sender confirms with YES, and only then the agent is asked
            _fx.Control("sms/inbound", new { from = "+15550004001", body = "delete my notes" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 1, "the request to confirm");
            Assert.Contains("Reply YES", (string?)_fx.SentSms()[0]["message"]);
            Assert.False(AgentWasAsked("delete my notes"));
            _fx.Control("sms/inbound", new { from = "+15550004001", body = "yes" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 2, "the agent's reply");
            Assert.True(AgentWasAsked("delete my notes"));
            Assert.Equal("Sandbox agent reply to: delete my notes", (string?)_fx.SentSms()[1]["message"]);
        }

        [Theory]
        [InlineData("Proceed", 0, 0, true, "Sandbox agent reply to")]
        [InlineData("Deny", 0, 0, false, "no device")]
        [InlineData("Proceed", 0, 2, false, "couldn't reach your phone")] // no device reached is never no_devices
        public void The_no_devices_policy_decides_and_unreachable_devices_always_refuse(string policy, int devices, int failed, bool runs, string answer)
        {
            Start("-NoDevicesPolicy " + policy);
            _fx.Control("devices", new { count = devices, failed });
            var (_, request) = _fx.Ask("post the announcement");
            Assert.Contains(answer, (string)_fx.WaitAnswered(request)["result"]!);
            Assert.Equal(runs, AgentWasAsked("post the announcement"));
        }
    }
}
