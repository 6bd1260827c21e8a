using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Net.Http;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The bridge against the sandbox and its simulated gateway, over real sockets: every frame type, every gateway reply
    /// shape, SMS with and without an allowlist, push-to-talk, concurrency, and the job and status cmdlets.
    /// </summary>
    public class BridgeEndToEndTests : IClassFixture<BridgeSandbox>, IDisposable
    {
        readonly BridgeSandbox _fx;
        readonly PsSession _ps;

        public BridgeEndToEndTests(BridgeSandbox fx)
        {
            _fx = fx;
            _fx.Reset();
            _ps = fx.NewSession();
        }

        public void Dispose()
        {
            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge; Get-Job | Remove-Job -Force");
            _ps.Dispose();
        }

        BridgeJob StartBridge(string extra = "")
        {
            var r = _ps.Run(BridgeSandbox.Start(extra), _fx.Vars()).Ok();
            var job = r.Single<BridgeJob>();
            _fx.WaitAuthenticated();
            BridgeSandbox.WaitUntil(() => job.Status.State == BridgeState.Authenticated, "bridge state Authenticated");
            return job;
        }

        List<BridgeLogRecord> Records() => _ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>();

        [Fact]
        public void Runs_as_a_job_that_Get_Job_Receive_Job_Stop_Job_and_Remove_Job_handle()
        {
            var job = StartBridge();
            Assert.Equal("ClawdTalkBridge", job.PSJobTypeName);

            var auth = Assert.Single(_fx.ClientFrames("auth"));
            Assert.Equal("Ada", (string?)auth["owner_name"]);
            Assert.Equal("Clawd", (string?)auth["agent_name"]);

            var jobs = _ps.Run("Get-Job").Ok().Objects<Job>();
            Assert.Single(jobs); // listed once, through the bridge's job source adapter
            Assert.Equal(JobState.Running, jobs[0].JobStateInfo.State);
            Assert.Same(job, _ps.Run("Get-Job -Name t").Ok().Single<BridgeJob>());

            var status = _ps.Run("Get-ClawdTalkBridge -Name t").Single<BridgeStatus>();
            Assert.Equal(BridgeState.Authenticated, status.State);
            Assert.Equal(job.Id, status.Id);
            Assert.Equal("tester", status.AgentId);
            Assert.Equal(0, status.ReconnectCount);
            Assert.EndsWith(".lock", status.LockFile);
            Assert.DoesNotContain(_fx.Key, System.IO.File.ReadAllText(status.LockFile![..^5] + ".json"));

            var table = _ps.RunFormatted("Get-ClawdTalkBridge").Ok().HostText;
            Assert.Matches(@"Id\s+Name\s+State\s+Since\s+Reconnects\s+LastError", table); // the counts are in Format-List
            Assert.Contains("Authenticated", table);

            var records = Records();
            Assert.Contains(records, r => r.Event == "authenticated" && r.Level == BridgeLogLevel.Information);
            Assert.All(records, r => Assert.Equal("t", r.Bridge));
            Assert.Matches(@"Time\s+Level\s+Event\s+Id\s+Message", _ps.RunFormatted("Receive-Job $job -Keep").HostText);

            _ps.Run("Stop-Job $job").Ok();
            Assert.Equal(JobState.Stopped, job.JobStateInfo.State);
            Assert.Equal(BridgeState.Stopped, job.Status.State);
            BridgeSandbox.WaitUntil(() => !(bool)_fx.WsStatus()["connected"]!, "the sandbox sees the bridge gone");
            Assert.Contains(Records(), r => r.Event == "stopped");

            _ps.Run("Remove-Job $job").Ok();
            Assert.Empty(_ps.Run("Get-Job").Ok().Output);
            Assert.Empty(_ps.Run("Get-ClawdTalkBridge").Ok().Output);
        }

        [Fact]
        public void Get_and_Stop_select_by_name_id_and_pipeline_and_verbose_records_reach_the_job()
        {
            var job = StartBridge("-Verbose");
            _ps.Run("Get-ClawdTalkBridge -Name nope").Error("BridgeNotFound", ErrorCategory.ObjectNotFound);
            _ps.Run("Get-ClawdTalkBridge -Id 9999").Error("BridgeNotFound", ErrorCategory.ObjectNotFound);
            Assert.Empty(_ps.Run("Get-ClawdTalkBridge -Name 'zz*'").Ok().Output); // a wildcard that matches nothing is no error
            Assert.Equal(job.InstanceId, _ps.Run("Get-ClawdTalkBridge -Name 'T*'").Single<BridgeStatus>().InstanceId);
            Assert.Equal(job.InstanceId, _ps.Run($"Get-ClawdTalkBridge -Id {job.Id}").Single<BridgeStatus>().InstanceId);
            Assert.Equal(job.InstanceId, _ps.Run("$job | Get-ClawdTalkBridge").Single<BridgeStatus>().InstanceId);
            var completions = _ps.Run("(TabExpansion2 -inputScript 'Stop-ClawdTalkBridge -Name ' -cursorColumn 27).CompletionMatches.CompletionText").Ok();
            Assert.Equal(new[] { "t" }, completions.Output.Select(o => o.ToString()));

            var (_, id) = _fx.Ask("verbose please");
            _fx.WaitAnswered(id);
            var verbose = _ps.Run("Receive-Job $job -Keep -Verbose").Verbose;
            Assert.Contains(verbose, v => v.Contains("frame_sent: Sent deep_tool_result"));
            Assert.Contains(verbose, v => v.Contains("gateway: The agent gateway answered (details.reply)"));

            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge -WhatIf").Ok();
            Assert.Equal(JobState.Running, job.JobStateInfo.State);
            var final = _ps.Run("Get-Job | Stop-ClawdTalkBridge -PassThru").Single<BridgeStatus>(); // InstanceId by property name
            Assert.Equal(BridgeState.Stopped, final.State);
            Assert.Equal(1, final.RequestsAnswered);
            Assert.Equal(JobState.Stopped, job.JobStateInfo.State);
        }

        [Fact]
        public void A_second_bridge_for_the_same_key_says_where_the_first_runs()
        {
            StartBridge();
            var again = _ps.Run("Start-ClawdTalkBridge -Name other -GatewayUrl $gw -GatewayToken $gwt", _fx.Vars());
            var error = again.Error("BridgeAlreadyRunning", ErrorCategory.ResourceExists);
            Assert.Contains("in this PowerShell process", error.ErrorDetails.Message);
            Assert.Contains("'t'", error.ErrorDetails.Message);
            Assert.NotNull(error.ErrorDetails.RecommendedAction);

            using var other = _fx.NewSession();
            var elsewhere = other.Run(BridgeSandbox.Start(), _fx.Vars());
            Assert.Contains("already running", elsewhere.Error("BridgeAlreadyRunning").ErrorDetails.Message);
            Assert.Equal(1, (int)_fx.WsStatus()["auth_count"]!); // the second never connected

            _ps.Run("Stop-ClawdTalkBridge -Name t").Ok();
            var third = other.Run(BridgeSandbox.Start(), _fx.Vars()).Ok().Single<BridgeJob>(); // the lock was released
            _fx.WaitAuthenticated(2);
            other.Run("Stop-ClawdTalkBridge; Get-Job | Remove-Job").Ok();
            Assert.Equal(JobState.Stopped, third.JobStateInfo.State);
        }

        [Fact]
        public void WhatIf_starts_nothing_and_bad_options_are_refused_before_connecting()
        {
            var connections = (int)_fx.WsStatus()["connections"]!;
            var r = _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url; Start-ClawdTalkBridge -GatewayUrl $gw -WhatIf", _fx.Vars()).Ok();
            Assert.Empty(r.Output);
            Assert.Empty(_ps.Run("Get-Job").Output);

            _ps.Run("Start-ClawdTalkBridge -GatewayUrl 'ftp://x' ", _fx.Vars()).Error("InvalidGatewayUrl", ErrorCategory.InvalidArgument);
            _ps.Run("Start-ClawdTalkBridge -GatewayUrl 'http://gateway.example.com:18789' -GatewayToken $gwt", _fx.Vars()).Error("InsecureGateway", ErrorCategory.SecurityError);
            _ps.Run("Start-ClawdTalkBridge -GatewayUrl $gw -AllowedSmsSender 'not a number'", _fx.Vars()).Error("InvalidPhoneNumber", ErrorCategory.InvalidArgument);
            Assert.Equal(connections, (int)_fx.WsStatus()["connections"]!);
            Assert.Empty(_ps.Run("Get-Job").Output);
        }

        [Fact]
        public void Inbound_calls_get_context_and_one_greeting_and_outbound_calls_none()
        {
            StartBridge();
            var inbound = (string)_fx.Control("calls/inbound", new { started = true, hang_up_after = false })["call_id"]!;
            BridgeSandbox.WaitUntil(() => CallFrames(inbound).Count(f => (string?)f["type"] == "response") >= 1, "greeting");
            var frames = CallFrames(inbound);
            var context = Assert.Single(frames, f => (string?)f["type"] == "context_response");
            Assert.Contains("VOICE CALL", (string?)context["context"]!["system_prompt"]);
            Assert.True(context["context"]!["memory"] is { Type: not JTokenType.Null }, "context.memory is missing or null");
            var greeting = Assert.Single(frames, f => (string?)f["type"] == "response"); // call.started and context_request: greeted once
            Assert.Equal("Hey Ada, what's up?", (string?)greeting["text"]);

            // context_request alone: the context first, then the greeting
            var plain = (string)_fx.Control("calls/inbound", new { started = false, hang_up_after = false })["call_id"]!;
            BridgeSandbox.WaitUntil(() => CallFrames(plain).Count == 2, "context and greeting");
            Assert.Equal(new[] { "context_response", "response" }, CallFrames(plain).Select(f => (string?)f["type"]));

            // an outbound call to the owner: call.started (outbound) must not greet; its end is reported to the agent
            var call = (string)_fx.Send(HttpMethod.Post, "calls", new { greeting = "hello", context = new { purpose = "check in" } })["call_id"]!;
            BridgeSandbox.WaitUntil(() => _fx.GatewayCalls().Any(c => ((string?)c["message"] ?? "").Contains(call)), "the outcome report of " + call);
            Assert.DoesNotContain(CallFrames(call), f => (string?)f["type"] == "response");
            var report = _fx.GatewayCalls().Single(c => ((string?)c["message"] ?? "").Contains(call));
            Assert.StartsWith($"[ClawdTalk] The call to {SandboxPhones.Owner} about \"check in\" was answered and completed after ", (string?)report["message"]);
            Assert.Equal(0, (double)report["timeout_seconds"]!); // fire-and-forget
            Assert.Equal("agent:tester:main", (string?)report["session_key"]);
            Assert.Contains(Records(), r => r.Event == "call_started" && r.CallId == call);
        }

        List<JObject> CallFrames(string callId) => ((JArray)_fx.ControlGet("calls/" + callId + "/frames")["frames"]!).Select(f => (JObject)f!).ToList();

        [Fact]
        public void Call_outcomes_reach_the_agent_as_sentences()
        {
            StartBridge();
            string Report(object frame)
            {
                var before = _fx.GatewayCalls().Count;
                var id = "call_x" + Guid.NewGuid().ToString("N")[..6];
                _fx.Control($"calls/{id}/end", frame);
                BridgeSandbox.WaitUntil(() => _fx.GatewayCalls().Count > before, "an outcome report");
                var c = _fx.GatewayCalls().Last();
                Assert.Equal(0, (double)c["timeout_seconds"]!);
                return (string)c["message"]!;
            }
            var voicemail = Report(new { direction = "outbound", outcome = "voicemail", to_number = "+15550000003", purpose = "order follow-up",
                voicemail_message = "Hi, this is Clawd calling about your order from Tuesday. Please call back.", duration_seconds = 20 });
            Assert.StartsWith("[ClawdTalk] The call to +15550000003 about \"order follow-up\" went to voicemail; the message left was: \"Hi, this is Clawd calling about your order", voicemail);
            Assert.Contains("was not answered", Report(new { direction = "outbound", outcome = "no-answer", to_number = "+15550000001" }));
            Assert.Contains("reached a fax machine", Report(new { direction = "outbound", outcome = "fax", to_number = "+15550000007" }));
            Assert.Contains("was answered and completed after 2 minutes 5 seconds", Report(new { direction = "outbound", outcome = "answered", to_number = "+15550000008", duration_seconds = 125 }));
            Assert.Contains("An inbound call ended after 42 seconds", Report(new { direction = "inbound", outcome = "answered", duration_seconds = 42 }));
            // the bridge's own records say a message was left, not what it said (bodies only with -Debug)
            var logged = Records().Where(r => r.Event == "call_ended").ToList();
            Assert.Equal(5, logged.Count);
            Assert.Contains(logged, r => r.Message.Contains("went to voicemail; a message was left."));
            Assert.DoesNotContain(logged, r => r.Message.Contains("calling about your order"));
        }

        [Fact]
        public void Deep_tool_requests_are_answered_in_every_gateway_reply_shape()
        {
            var job = StartBridge();
            foreach (var mode in new[] { "details", "content_json", "content_text" })
            {
                _fx.Control("gateway", new { mode });
                var (_, id) = _fx.Ask("what is on my calendar in " + mode);
                var answered = _fx.WaitAnswered(id);
                Assert.Equal("Sandbox agent reply to: what is on my calendar in " + mode, (string?)answered["result"]);
            }
            var call = _fx.GatewayCalls().Last();
            Assert.Equal("agent:tester:main", (string?)call["session_key"]);
            Assert.Equal("sessions_send", (string?)call["tool"]);
            Assert.Equal(90, (double)call["timeout_seconds"]!);
            Assert.True((bool)call["authorized"]!);
            Assert.StartsWith("[VOICE CALL] Respond concisely for speech.", (string?)call["message"]);

            // accepted without a reply: an honest "still working on it", never a made-up "Done."
            _fx.Control("gateway", new { mode = "accepted" });
            var (_, pending) = _fx.Ask("find a quiet restaurant for two"); // not "book a table": booking is money and asks for approval
            var text = (string)_fx.WaitAnswered(pending)["result"]!;
            Assert.Contains("still working on it", text);
            Assert.DoesNotContain("Done.", text);

            // 404: sessions_send is not allowed by the gateway
            _fx.Control("gateway", new { mode = "not_allowed" });
            var (_, blocked) = _fx.Ask("what time is it");
            Assert.Contains("gateway.tools.allow", (string)_fx.WaitAnswered(blocked)["result"]!);
            var status = _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>();
            Assert.Equal("GatewayToolNotAllowed", status.LastErrorId);
            Assert.Contains("gateway.tools.allow", status.LastError);
            var error = Assert.Single(Records(), r => r.ErrorId == "GatewayToolNotAllowed");
            Assert.Equal(BridgeLogLevel.Error, error.Level);
            Assert.Equal(blocked, error.RequestId);
            BridgeSandbox.WaitUntil(() => job.Status.RequestsAnswered == 5, "5 answered (3 shapes, accepted, 404)");
        }

        [Fact]
        public void Speech_keeps_every_script_and_drops_pictographs()
        {
            StartBridge();
            var (_, id) = _fx.Ask("Привет мир, Γειά σου, 你好 🎉 **ok**");
            var text = (string)_fx.WaitAnswered(id)["result"]!;
            Assert.Equal("Sandbox agent reply to: Привет мир, Γειά σου, 你好 ok", text);
        }

        [Fact]
        public void A_slow_answer_for_one_call_never_delays_another_calls_frames()
        {
            StartBridge();
            _fx.Control("gateway", new { delay_ms = 1500 });
            var (_, slow) = _fx.Ask("a slow question");
            var other = (string)_fx.Control("calls/inbound", new { started = false, hang_up_after = false })["call_id"]!;
            _fx.WaitAnswered(slow);
            var frames = _fx.Frames().Select(f => (JObject)f!).ToList();
            int Seq(Func<JObject, bool> match) => (int)frames.First(f => match((JObject)f["frame"]!))["seq"]!;
            var otherContext = Seq(f => (string?)f["type"] == "context_response" && (string?)f["call_id"] == other);
            var slowResult = Seq(f => (string?)f["type"] == "deep_tool_result" && (string?)f["request_id"] == slow);
            Assert.True(otherContext < slowResult, "the second call's context waited for the first call's slow answer");
        }

        [Fact]
        public async Task Fifty_concurrent_deep_tool_requests_are_all_answered_concurrently()
        {
            var job = StartBridge();
            _fx.Control("gateway", new { delay_ms = 4000 });
            var asks = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => _fx.AskAsync($"question number {i}")));
            // every gateway call is in flight at once: all 50 have arrived while none has come back yet
            BridgeSandbox.WaitUntil(() => _fx.GatewayCalls().Count(c => (int)c["status"]! == 0) >= 50, "50 gateway calls in flight at once", 20);
            foreach (var (ask, i) in asks.Select((a, i) => (a, i + 1)))
                Assert.Equal($"Sandbox agent reply to: question number {i}", (string?)_fx.WaitAnswered(ask.RequestId, 30)["result"]);
            BridgeSandbox.WaitUntil(() => job.Status.RequestsAnswered == 50, "50 answered in the status");
            Assert.Equal(50, job.Status.RequestsReceived);
        }

        [Fact]
        public void Push_to_talk_goes_to_its_own_session_and_is_answered()
        {
            StartBridge();
            var id = (string)_fx.Control("walkie", new { transcript = "remind me to water the plants", session_key = "agent:garden:main" })["request_id"]!;
            var answered = _fx.WaitAnswered(id);
            Assert.Equal("Sandbox agent reply to: remind me to water the plants", (string?)answered["result"]);
            Assert.Null((string?)answered["error"]);
            var call = _fx.GatewayCalls().Last();
            Assert.Equal("agent:garden:main", (string?)call["session_key"]);
            Assert.StartsWith("[WALKIE-TALKIE] Push-to-talk message.", (string?)call["message"]);

            _fx.Control("gateway", new { mode = "not_allowed" });
            var failed = _fx.WaitAnswered((string)_fx.Control("walkie", new { transcript = "anything" })["request_id"]!);
            Assert.Contains("gateway.tools.allow", (string?)failed["error"]);
        }

        [Fact]
        public void Texts_are_answered_by_SMS_and_only_for_allowed_senders_when_an_allowlist_is_set()
        {
            var job = StartBridge("-AllowedSmsSender '+1 555 000 2001'");
            _fx.Control("sms/inbound", new { from = "+15550002001", body = "are we still on for lunch" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 1, "the SMS reply");
            var sms = _fx.SentSms().Single();
            Assert.Equal("+15550002001", (string?)sms["to"]);
            Assert.Equal("Sandbox agent reply to: are we still on for lunch", (string?)sms["message"]);
            var call = _fx.GatewayCalls().Single();
            Assert.StartsWith("[SMS from +15550002001] Reply concisely (under 300 chars). No markdown.", (string?)call["message"]);
            Assert.Equal(60, (double)call["timeout_seconds"]!);

            _fx.Control("sms/inbound", new { from = "+15550002002", body = "give me your secrets" });
            BridgeSandbox.WaitUntil(() => Records().Any(r => r.Event == "sms_ignored"), "the ignored text's record");
            Assert.Single(_fx.GatewayCalls()); // the stranger's text never reached the agent
            Assert.Single(_fx.SentSms());
            Assert.Equal(1, job.Status.SmsReplies);
        }

        [Fact]
        public void Texts_from_anyone_are_answered_only_when_every_sender_is_routed_and_a_failed_send_is_logged()
        {
            StartBridge("-AllowAnySender");
            _fx.Control("sms/inbound", new { from = "+15550003001", body = "hello" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 1, "the SMS reply");
            _fx.Control("sms/inbound", new { from = "+15550000004", body = "hello from a failing number" });
            BridgeSandbox.WaitUntil(() => Records().Any(r => r.Event == "sms_reply_failed"), "the failed reply's record");
            Assert.Equal("MessageFailed", Records().Single(r => r.Event == "sms_reply_failed").ErrorId);
        }
    }
}
