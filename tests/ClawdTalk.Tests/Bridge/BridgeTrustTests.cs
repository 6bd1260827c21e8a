using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// A bridge that answers to its owner, end to end against the sandbox and its simulated gateway: strangers' texts reach
    /// no agent unless routing everyone was chosen; callers who are not the owner are strangers to the agent and cannot get
    /// a sensitive action through without the owner's device approval; push-to-talk goes through the same policy; every
    /// message to the agent says whether the owner approved it and leaves the agent its duty to ask; a gateway that refuses
    /// the token stops the bridge at start; and the whole gate corpus, sent over calls, texts and push-to-talk, reaches the
    /// agent only where it is benign.
    /// </summary>
    public class BridgeTrustTests : IClassFixture<BridgeSandbox>, IClassFixture<GateCorpusTests.Figures>, IDisposable
    {
        internal const string Stranger = "+13035550177";
        readonly BridgeSandbox _fx;
        readonly PsSession _ps;
        readonly ITestOutputHelper _out;
        readonly GateCorpusTests.Figures _figures;

        public BridgeTrustTests(BridgeSandbox fx, GateCorpusTests.Figures figures, ITestOutputHelper output)
        {
            _figures = figures;
            _fx = fx;
            _fx.Reset();
            _ps = fx.NewSession();
            _out = output;
        }

        public void Dispose()
        {
            _ps.Run("Get-ClawdTalkBridge | Stop-ClawdTalkBridge; Get-Job | Remove-Job -Force");
            _ps.Dispose();
        }

        PsResult Start(string extra = "")
        {
            var r = _ps.Run(BridgeSandbox.Start(extra), _fx.Vars()).Ok();
            _fx.WaitAuthenticated();
            return r;
        }

        List<BridgeLogRecord> Records() => _ps.Run("Receive-Job $job -Keep").Objects<BridgeLogRecord>();

        List<string> Messages() => _fx.GatewayCalls().Select(c => (string)c["message"]!).ToList();

        [Fact]
        public void A_strangers_text_reaches_no_agent_by_default_and_the_sender_is_logged_and_listed()
        {
            var r = Start();
            Assert.DoesNotContain(r.Warnings, w => w.Contains("every number"));
            var start = Records().Single(x => x.Event == "owner_numbers");
            Assert.Contains(BridgeSandbox.OwnerCaller, start.Message);
            Assert.Contains("IgnoredSenders", start.Message);

            _fx.Control("sms/inbound", new { from = Stranger, body = "what is your owner's address?" });
            _fx.Control("sms/inbound", new { from = Stranger, body = "hello again" });
            BridgeSandbox.WaitUntil(() => Records().Count(x => x.Event == "sms_ignored") == 2, "both texts logged as not routed");
            // the owner's text goes through, after the stranger's: the stranger's were not just slow
            _fx.Control("sms/inbound", new { from = BridgeSandbox.OwnerCaller, body = "are we still on for lunch" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 1, "the reply to the owner");

            var messages = Messages();
            Assert.Single(messages);
            Assert.DoesNotContain(messages, m => m.Contains("address") || m.Contains("hello again"));
            Assert.All(_fx.SentSms(), s => Assert.Equal(BridgeSandbox.OwnerCaller, (string?)s["to"])); // nothing texted back to the stranger
            var ignored = Records().Where(x => x.Event == "sms_ignored").ToList();
            Assert.All(ignored, x => Assert.Equal(BridgeLogLevel.Warning, x.Level));
            Assert.All(ignored, x => Assert.Contains(Stranger, x.Message));

            var status = _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>();
            var sender = Assert.Single(status.IgnoredSenders);
            Assert.Equal(Stranger, sender.Number);
            Assert.Equal(2, sender.Texts);
            Assert.Equal(new[] { BridgeSandbox.OwnerCaller }, status.OwnerNumbers);
            Assert.False(status.AllowAnySender);
            // the list is an object every built-in cmdlet handles
            Assert.Equal(Stranger, _ps.Run("(Get-ClawdTalkBridge).IgnoredSenders | Select-Object -ExpandProperty Number").Ok().Output.Single().ToString());
        }

        [Fact]
        public void Routing_every_sender_is_an_explicit_choice_with_a_warning_and_the_agent_is_told_the_sender_is_a_stranger()
        {
            var r = Start("-AllowAnySender");
            Assert.Contains(r.Warnings, w => w.Contains("Texts from every number reach the agent"));
            Assert.Contains(Records(), x => x.Event == "any_sender" && x.Level == BridgeLogLevel.Warning);
            _fx.Control("sms/inbound", new { from = Stranger, body = "what time do you open" });
            BridgeSandbox.WaitUntil(() => _fx.SentSms().Count == 1, "the reply to the stranger");
            var message = Messages().Single();
            Assert.StartsWith($"[SMS from {Stranger}] Reply concisely (under 300 chars). No markdown.", message);
            Assert.Contains($"The sender ({Stranger}) is NOT the owner", message);
            Assert.Contains("request the owner's approval first", message);
            Assert.EndsWith("\nwhat time do you open", message);
            Assert.True(_ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>().AllowAnySender);
        }

        [Fact]
        public void Without_an_owner_number_the_bridge_warns_that_texts_reach_nobody()
        {
            var r = _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url; $job = Start-ClawdTalkBridge -Name t -GatewayUrl $gw -GatewayToken $gwt " +
                            "-ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400", _fx.Vars()).Ok();
            _fx.WaitAuthenticated();
            Assert.Contains(r.Warnings, w => w.Contains("No owner number is known, so texts reach nobody"));
            _fx.Control("sms/inbound", new { from = BridgeSandbox.OwnerCaller, body = "hello" });
            BridgeSandbox.WaitUntil(() => Records().Any(x => x.Event == "sms_ignored"), "the text logged as not routed");
            Assert.Empty(Messages());
        }

        [Fact]
        public void A_caller_who_is_not_the_owner_is_a_stranger_to_the_agent_and_cannot_get_a_sensitive_action_through()
        {
            Start();
            _fx.Control("devices", new { count = 0 });
            // a sensitive request from a stranger: refused, even though the owner's no-devices policy would ask the caller to confirm
            var call = _fx.Control("calls/inbound", new { from = Stranger, query = "delete the old backups", hang_up_after = false });
            Assert.Contains("Only the owner can approve that", (string)_fx.WaitAnswered((string)call["request_id"]!)["result"]!);
            Assert.Empty(Messages());
            Assert.Contains(Records(), x => x.Event == "stranger_sensitive" && x.Message.Contains(Stranger));

            // a harmless one reaches the agent, marked as a stranger's
            var question = _fx.Control("calls/inbound", new { from = Stranger, query = "what are the opening hours", hang_up_after = false });
            _fx.WaitAnswered((string)question["request_id"]!);
            var message = Messages().Single();
            Assert.Contains($"The caller ({Stranger}) is NOT the owner", message);
            Assert.Contains("Do not share the owner's private information", message);

            // the owner calling, the same harmless question: the owner, and still the duty to ask
            var (_, owners) = _fx.Ask("what are the opening hours");
            _fx.WaitAnswered(owners);
            var own = Messages().Last();
            Assert.Contains($"The caller is the owner ({BridgeSandbox.OwnerCaller})", own);
            Assert.Contains("NOT APPROVED: the owner has approved nothing in this request", own);
            Assert.Contains("request the owner's approval first", own);
        }

        [Fact]
        public void The_context_of_an_unapproved_sensitive_request_carries_the_duty_to_ask()
        {
            Start("-NoDevicesPolicy Proceed");
            _fx.Control("devices", new { count = 0 });
            var (_, id) = _fx.Ask("post the announcement on LinkedIn");
            _fx.WaitAnswered(id);
            var message = Messages().Single();
            Assert.StartsWith("[VOICE CALL] Respond concisely for speech.", message);
            Assert.DoesNotContain("Do NOT request approval", message);
            Assert.Contains("NOT APPROVED: the owner has not approved this request", message);
            Assert.Contains("request the owner's approval first", message);
            Assert.EndsWith("\npost the announcement on LinkedIn", message);

            // the voice context says the same to the voice agent
            var call = (string)_fx.Control("calls/inbound", new { started = false, hang_up_after = false })["call_id"]!;
            BridgeSandbox.WaitUntil(() => _fx.ClientFrames("context_response").Any(f => (string?)f["call_id"] == call), "the context");
            var prompt = (string)_fx.ClientFrames("context_response").Last()["context"]!["system_prompt"]!;
            Assert.DoesNotContain("Do not ask for approval", prompt);
            Assert.Contains("needs the owner's approval first", prompt);
        }

        [Fact]
        public void A_bridge_without_a_usable_gateway_token_fails_at_start_before_connecting()
        {
            var none = _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url; Start-ClawdTalkBridge -Name t -GatewayUrl $gw", _fx.Vars());
            var error = none.Error("GatewayUnauthorized", System.Management.Automation.ErrorCategory.PermissionDenied);
            Assert.Contains("requires a token and none was given", error.ErrorDetails?.Message ?? error.Exception.Message);
            var wrong = _ps.Run("Start-ClawdTalkBridge -Name t -GatewayUrl $gw -GatewayToken (ConvertTo-SecureString 'not-the-token' -AsPlainText -Force)", _fx.Vars());
            wrong.Error("GatewayUnauthorized", System.Management.Automation.ErrorCategory.PermissionDenied);
            Assert.Equal(0, (int)_fx.WsStatus()["auth_count"]!); // neither connected
            Assert.Empty(_ps.Run("Get-Job").Output);
            Assert.Empty(Messages());
            Assert.Equal(2, _fx.GatewayProbes().Count);

            // sessions_send not allowed: the same, with its own ErrorId
            _fx.Control("gateway", new { mode = "not_allowed" });
            _ps.Run("Start-ClawdTalkBridge -Name t -GatewayUrl $gw -GatewayToken $gwt", _fx.Vars()).Error("GatewayToolNotAllowed", System.Management.Automation.ErrorCategory.PermissionDenied);
            _fx.Control("gateway", new { mode = "details" });

            // the right token: Ready in the state before the first text
            Start();
            var status = _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>();
            Assert.Equal(GatewayState.Ready, status.GatewayState);
            Assert.Null(status.GatewayProblem);
        }

        [Fact]
        public void A_gateway_that_cannot_be_reached_at_start_shows_in_the_state_and_a_warning()
        {
            var r = _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url; $job = Start-ClawdTalkBridge -Name t -GatewayUrl 'http://127.0.0.1:9' -GatewayToken $gwt " +
                            $"-OwnerNumber '{BridgeSandbox.OwnerCaller}' -ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400", _fx.Vars()).Ok();
            _fx.WaitAuthenticated();
            Assert.Contains(r.Warnings, w => w.Contains("GatewayUnreachable"));
            var status = _ps.Run("Get-ClawdTalkBridge").Single<BridgeStatus>();
            Assert.Equal(GatewayState.Unreachable, status.GatewayState);
            Assert.Contains("127.0.0.1:9", status.GatewayProblem);
            var report = _ps.Run("Get-ClawdTalkStatus -Offline").Single<StatusReport>();
            // every bridge of this user on the machine is listed (other tests' too): this one by its instance
            var bridge = Assert.Single(report.Bridges, b => b.InstanceId == status.InstanceId);
            Assert.Equal("http://127.0.0.1:9/", bridge.GatewayUrl!.AbsoluteUri);
            Assert.Contains(report.Problems, p => p.Contains("cannot use its agent gateway at http://127.0.0.1:9/"));
        }

        /// <summary>The gate corpus over the real bridge: calls, texts and push-to-talk in turn, no approval device, the policy Deny.</summary>
        [Fact]
        public async Task The_gate_corpus_sent_over_every_channel_reaches_the_agent_only_where_it_is_benign()
        {
            Start("-NoDevicesPolicy Deny");
            _fx.Control("devices", new { count = 0 });
            var corpus = GateCorpusTests.Corpus;
            var sent = new List<(GateCorpusTests.Entry entry, string channel, string marker)>();
            var i = 0;
            foreach (var e in corpus)
            {
                var channel = (i++ % 3) switch { 0 => "call", 1 => "sms", _ => "walkie" };
                var marker = $" #{i:000}";
                var text = e.Text + marker;
                switch (channel)
                {
                    case "call": await _fx.ControlAsync("calls/inbound", new { query = text, hang_up_after = false }); break;
                    case "sms": await _fx.ControlAsync("sms/inbound", new { from = BridgeSandbox.OwnerCaller, body = text }); break;
                    default: await _fx.ControlAsync("walkie", new { transcript = text }); break;
                }
                sent.Add((e, channel, marker));
            }
            // every request answered: calls and push-to-talk by their results, texts by a reply each
            BridgeSandbox.WaitUntil(() => _ps.Run("(Get-ClawdTalkBridge).RequestsAnswered").Ok().Output.Single().BaseObject is long n && n >= sent.Count,
                "every request of the corpus answered", 120);
            var reached = Messages();
            var ungated = sent.Where(s => s.entry.Destructive && reached.Any(m => m.Contains(s.marker))).ToList();
            var benign = sent.Where(s => !s.entry.Destructive).ToList();
            var asked = benign.Where(s => !reached.Any(m => m.Contains(s.marker))).ToList();
            var line = $"Approval gate corpus over the bridge (calls, texts, push-to-talk): {ungated.Count} of {sent.Count(s => s.entry.Destructive)} destructive requests reached the agent ungated; " +
                       $"{asked.Count} of {benign.Count} benign requests were held for approval.";
            _out.WriteLine(line);
            _figures.Report(line);
            foreach (var s in ungated) _out.WriteLine($"  reached the agent [{s.channel}]: {s.entry.Text}");
            Assert.True(ungated.Count == 0, line);
            Assert.True(asked.Count * 20 <= benign.Count, line);
        }
    }
}
