using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>Calls on the wall clock (a call rings for ten seconds): Get/Stop-ClawdTalkCall, -Wait timeouts and Ctrl+C.</summary>
    public class CallControlTests : IClassFixture<RealTimeSandbox>
    {
        readonly RealTimeSandbox _sb;
        public CallControlTests(RealTimeSandbox sb) => _sb = sb;

        [Fact]
        public void Stop_ends_a_live_call_through_the_pipeline_and_PassThru_shows_it_canceled()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Force | Stop-ClawdTalkCall -Force -PassThru").Ok();
            var call = r.Single<DirectCall>();
            Assert.Equal(DirectCallStatus.Canceled, call.Status);
            Assert.True(call.IsEnded);
            Assert.Equal("user_ended", call.Reason);
            var end = Assert.Single(_sb.Requests(mark, "POST", $"/v1/calls/{call.CallId}/end"));
            Assert.Equal("user_ended", (string?)JsonNode.Parse((string)end["body"]!)!["reason"]);

            // ending an ended call changes nothing and is no error; a custom reason is sent as given
            var again = ps.Run("Stop-ClawdTalkCall $id -Reason 'wrong number' -Force -PassThru", _sb.Vars(("id", call.CallId))).Ok().Single<DirectCall>();
            Assert.Equal(DirectCallStatus.Canceled, again.Status);
            Assert.Equal("wrong number", (string?)JsonNode.Parse((string)_sb.Requests(mark, "POST", $"/v1/calls/{call.CallId}/end")[1]["body"]!)!["reason"]);
        }

        [Fact]
        public void Stop_without_PassThru_writes_nothing_and_WhatIf_sends_nothing()
        {
            using var ps = _sb.Session();
            var call = ps.Run("Start-ClawdTalkCall -Force").Ok().Single<DirectCall>();
            var mark = _sb.Mark();
            var r = ps.RunFormatted("Stop-ClawdTalkCall -CallId $id -WhatIf", _sb.Vars(("id", call.CallId))).Ok();
            Assert.Contains("What if", r.HostText);
            Assert.Empty(_sb.Log(mark));
            r = ps.Run("Stop-ClawdTalkCall -CallId $id -Force", _sb.Vars(("id", call.CallId))).Ok();
            Assert.Empty(r.Output);
            Assert.Single(_sb.Requests(mark, "POST", "/v1/calls/"));
            Assert.Equal("canceled", (string?)_sb.Api("calls/" + call.CallId)["status"]);
        }

        [Fact]
        public void Get_reports_each_unknown_id_and_goes_on_with_the_others()
        {
            using var ps = _sb.Session();
            var call = ps.Run("Start-ClawdTalkCall -Force").Ok().Single<DirectCall>();
            var r = ps.Run("'call_nope', $id | Get-ClawdTalkCall", _sb.Vars(("id", call.CallId)));
            Assert.Equal(call.CallId, r.Objects<DirectCall>().Single().CallId);
            var e = r.Error("CallNotFound", ErrorCategory.ObjectNotFound);
            Assert.Equal("call_nope", e.TargetObject);
            r = ps.Run("Stop-ClawdTalkCall -CallId call_nope -Force");
            r.Error("CallNotFound", ErrorCategory.ObjectNotFound);
        }

        [Fact]
        public void Wait_gives_up_after_Timeout_with_CallWaitTimeout_and_the_last_state()
        {
            using var ps = _sb.Session();
            var r = ps.Run("Start-ClawdTalkCall -To '+1 212 555 0142' -Wait -Timeout 1 -Force");
            var call = r.Objects<DirectCall>().Single();
            Assert.False(call.IsEnded);
            Assert.Contains(call.Status, new[] { DirectCallStatus.Initiating, DirectCallStatus.Ringing });
            var e = r.Error("CallWaitTimeout", ErrorCategory.OperationTimeout);
            Assert.Equal(call.CallId, e.TargetObject);
            Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
            ps.Run("Stop-ClawdTalkCall $id -Force", _sb.Vars(("id", call.CallId))).Ok();
        }

        [Fact]
        public void Ctrl_C_stops_a_wait_promptly()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            // pressed once the call is placed and the wait has read its status
            var r = ps.RunAndStop("Start-ClawdTalkCall -Wait -Force", () => _sb.Requests(mark, "GET", "/v1/calls/").Count > 0, TimeSpan.FromSeconds(30));
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Stop took {r.StopDuration}");
            Assert.Empty(r.Objects<DirectCall>());
            Assert.NotEmpty(r.Progress); // the wait was under way (a stopped pipeline takes no more records: the host ends the bar)
        }
    }
}
