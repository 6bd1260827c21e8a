using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>Add-ClawdTalkAgent (the published setup-agent) and insights of a real scheduled call, against a sandbox reset per test.</summary>
    public sealed class AgentTests : IClassFixture<MissionSandbox>, IDisposable
    {
        readonly MissionSandbox _sb;
        readonly RecordingHook _hook = new();

        public AgentTests(MissionSandbox sb)
        {
            _sb = sb;
            _sb.Control(HttpMethod.Post, "/_sandbox/reset", new { });
        }

        public void Dispose() => _hook.Dispose();

        const string Init = "Initialize-ClawdTalkMission -Name $name -Instructions 'Agent test' -Request 'Call someone' -Step research, call";

        int Posts(string path) => _sb.Log().Count(r => (string?)r["method"] == "POST" && (string?)r["path"] == path);

        [Fact]
        public void No_dedicated_number_is_a_clear_error_that_leaves_no_assistant_and_a_rerun_finishes_with_one()
        {
            using var ps = _sb.Session();
            // a free account has no dedicated number
            _sb.Control(HttpMethod.Post, "/_sandbox/account", new { plan = "free" });
            var name = Names.Unique("No number");
            var slug = Names.SlugOf(name);
            ps.Run(Init, _sb.Vars(("name", name))).Ok();
            for (var i = 0; i < 3; i++)
            {
                var r = ps.Run("Add-ClawdTalkAgent -Slug $slug", _sb.Vars(("slug", slug)));
                var error = r.Error("NoPhoneNumberAvailable", System.Management.Automation.ErrorCategory.ResourceUnavailable);
                Assert.Contains("paid", error.ErrorDetails.Message);
                Assert.NotNull(error.ErrorDetails.RecommendedAction);
            }
            Assert.Equal(0, Posts("/v1/assistants")); // three failed attempts, no assistant leaked
            Assert.Null((string?)StateFile.Entry(slug)["assistant_id"]);

            _sb.Control(HttpMethod.Post, "/_sandbox/account", new { plan = "paid" });
            var state = ps.Run("Add-ClawdTalkAgent -Slug $slug", _sb.Vars(("slug", slug))).Single<MissionState>();
            Assert.NotNull(state.AgentPhone);
            Assert.Equal(1, Posts("/v1/assistants"));
            var writes = MissionSandbox.Writes(_sb.Log()).Count;
            var again = ps.Run("Add-ClawdTalkAgent -Slug $slug", _sb.Vars(("slug", slug))).Single<MissionState>();
            Assert.Equal(state.AssistantId, again.AssistantId);
            Assert.Equal(writes, MissionSandbox.Writes(_sb.Log()).Count); // already set up: reads only
            Assert.Single(_sb.Events(state.MissionId!, state.RunId!), e => ((string?)e["summary"] ?? "").StartsWith("Agent set up"));
        }

        [Fact]
        public void Three_missions_in_a_row_on_a_one_number_account_all_schedule_their_calls_from_that_number()
        {
            using var ps = _sb.Session();
            string? number = null;
            for (var i = 0; i < 3; i++)
            {
                var s = ps.Run(Init + " | Add-ClawdTalkAgent", _sb.Vars(("name", Names.Unique("One number " + i)))).Single<MissionState>();
                number ??= s.AgentPhone;
                Assert.NotNull(number);
                Assert.Equal(number, s.AgentPhone);
                var ev = ps.Run("'+1 212 555 0107' | Register-ClawdTalkCall -Slug $slug -StepId call -Force", _sb.Vars(("slug", s.Slug))).Single<ScheduledEvent>();
                Assert.Equal(number, (string?)_sb.Api($"assistants/{s.AssistantId}/events/{ev.EventId}")["from"]);
            }
            // 2.0.6: the from-number is never assigned for outbound mission calls
            Assert.Equal(0, _sb.Log().Count(r => (string?)r["method"] == "PATCH" && ((string?)r["path"] ?? "").StartsWith("/v1/numbers")));
            Assert.Equal(3, _sb.Log().Count(r => (string?)r["method"] == "POST" && System.Text.RegularExpressions.Regex.IsMatch((string?)r["path"] ?? "", "^/v1/assistants/[^/]+/events$")));

            // -AssignNumber assigns it (inbound), once; the next mission still calls from it
            var assigned = ps.Run(Init + " | Add-ClawdTalkAgent -AssignNumber", _sb.Vars(("name", Names.Unique("Inbound")))).Single<MissionState>();
            Assert.Equal(number, assigned.AgentPhone);
            ps.Run("Add-ClawdTalkAgent -Slug $slug -AssignNumber", _sb.Vars(("slug", assigned.Slug))).Ok();
            Assert.Equal(1, _sb.Log().Count(r => (string?)r["method"] == "PATCH" && ((string?)r["path"] ?? "").StartsWith("/v1/numbers")));
            var connection = (string?)_sb.Api($"assistants/{assigned.AssistantId}/connection-id?feature=telephony")["connection_id"];
            Assert.Contains((JArray)_sb.Api("numbers/account-phones"), n => (string?)n["phone_number"] == number && (string?)n["connection_id"] == connection);
            var after = ps.Run(Init + " | Add-ClawdTalkAgent", _sb.Vars(("name", Names.Unique("After")))).Single<MissionState>();
            Assert.Equal(number, after.AgentPhone);
            ps.Run("Add-ClawdTalkAgent -Slug $slug -AssignNumber -NoPhoneNumber", _sb.Vars(("slug", after.Slug))).Error("ConflictingParameters");
        }

        [Fact]
        public void NoPhoneNumber_and_an_existing_assistant_are_honoured()
        {
            using var ps = _sb.Session();
            var name = Names.Unique("No phone");
            var s = ps.Run(Init + " | Add-ClawdTalkAgent -NoPhoneNumber -Name 'Quiet agent' -Instructions 'Be quiet.'", _sb.Vars(("name", name))).Single<MissionState>();
            Assert.Null(s.AgentPhone);
            var assistant = (JObject)_sb.Api($"assistants/{s.AssistantId}");
            Assert.Equal("Quiet agent", (string?)assistant["name"]);
            Assert.Equal("Be quiet.", (string?)assistant["instructions"]);
            Assert.Equal(0, _sb.Log().Count(r => (string?)r["method"] == "PATCH" && ((string?)r["path"] ?? "").StartsWith("/v1/numbers")));

            var other = ps.Run(Init + " | Add-ClawdTalkAgent -AssistantId $a -NoPhoneNumber", _sb.Vars(("name", Names.Unique("Reuse")), ("a", s.AssistantId))).Single<MissionState>();
            Assert.Equal(s.AssistantId, other.AssistantId);
            Assert.Equal(1, Posts("/v1/assistants"));
            Assert.Contains((JArray)_sb.Api($"missions/{other.MissionId}/runs/{other.RunId}/agents"), a => (string?)a["telnyx_agent_id"] == s.AssistantId);

            ps.Run("Add-ClawdTalkAgent -Slug $slug -AssistantId ast_missing", _sb.Vars(("slug", other.Slug))).Error("AssistantNotFound");
        }

        [Fact]
        public void A_lost_answer_to_the_assistant_creation_is_found_on_the_rerun()
        {
            var name = Names.Unique("Lost assistant");
            var slug = Names.SlugOf(name);
            using (var ps = _sb.Session()) ps.Run(Init, _sb.Vars(("name", name))).Ok();
            using (var proxy = new CrashingProxy(_sb.Url, q => q.Method == "POST" && q.Path == "/v1/assistants", CrashingProxy.CrashMode.AnswerLost))
            using (var ps = _sb.Session("-MaxRetryCount 0", url: proxy.Url))
            {
                ps.Run("Add-ClawdTalkAgent -Slug $slug", _sb.Vars(("slug", slug))).Error("RequestOutcomeUnknown");
                Assert.True(proxy.Crashed);
            }
            Assert.Equal(1, Posts("/v1/assistants"));
            using (var ps = _sb.Session())
            {
                var s = ps.Run("Add-ClawdTalkAgent -Slug $slug", _sb.Vars(("slug", slug))).Single<MissionState>();
                Assert.Equal(1, Posts("/v1/assistants"));
                Assert.Equal((string?)_sb.Api("assistants")["assistants"]![0]!["id"], s.AssistantId);
                Assert.NotNull(s.AgentPhone);
            }
        }

        [Fact]
        public void A_scheduled_call_completes_its_step_its_insights_arrive_and_the_last_step_ends_the_mission()
        {
            using var ps = _sb.Session();
            var name = Names.Unique("Insight");
            var s = ps.Run(Init + " | Add-ClawdTalkAgent", _sb.Vars(("name", name))).Single<MissionState>();
            // a call scheduled for the 'call' step (the calls feature's job; done here over HTTP)
            var ev = ScheduleCall(s.AssistantId!, s.AgentPhone!, "+15557770007", s.MissionId!, s.RunId!, "call");
            var conversation = WaitForConversation(s.AssistantId!, ev);
            Assert.Equal("completed", (string?)_sb.Steps(s.MissionId!, s.RunId!).Single(x => (string?)x["step_id"] == "call")["status"]);

            var insight = ps.Run("[pscustomobject]@{ ConversationId = $c; Slug = $slug } | Get-ClawdTalkInsight -PollInterval 0.2 -Timeout 20",
                _sb.Vars(("c", conversation), ("slug", s.Slug))).Single<ConversationInsight>();
            Assert.Equal("completed", insight.Status);
            Assert.Contains("+15557770007", insight.Summary);
            Assert.Equal(s.Slug, insight.Slug);

            // the service ended the run when its only scheduled call finished; the last step brings the store along
            Assert.Equal("succeeded", (string?)_sb.Run(s.MissionId!, s.RunId!)["status"]);
            var done = ps.Run("Set-ClawdTalkStep -Slug $slug -StepId research -Status completed; Get-ClawdTalkMissionState -Slug $slug", _sb.Vars(("slug", s.Slug))).Single<MissionState>();
            Assert.Equal(MissionStateStatus.Succeeded, done.Status);
            Assert.Equal("service", (string?)StateFile.Entry(s.Slug)["memory"]!["completion"]!["ended_by"]);

            // and the insight flows on to Complete-ClawdTalkMission, which records the final summary
            var final = ps.Run("$i | Complete-ClawdTalkMission -Summary $i.Summary", _sb.Vars(("i", insight))).Single<MissionState>();
            Assert.Equal(insight.Summary, final.ResultSummary);
            Assert.Equal(insight.Summary, (string?)_sb.Run(s.MissionId!, s.RunId!)["result_summary"]);
        }

        [Fact]
        public void A_run_the_service_ended_by_itself_is_followed_by_the_store_and_its_hooks_on_the_next_initialize()
        {
            using var ps = _sb.Session();
            var name = Names.Unique("Service ended");
            var s = ps.Run(Init + " | Add-ClawdTalkAgent", _sb.Vars(("name", name))).Single<MissionState>();
            WaitForConversation(s.AssistantId!, ScheduleCall(s.AssistantId!, s.AgentPhone!, "+15557770003", s.MissionId!, s.RunId!, "call"));
            Assert.Equal("succeeded", (string?)_sb.Run(s.MissionId!, s.RunId!)["status"]);
            Assert.Equal("active", (string?)StateFile.Entry(s.Slug)["status"]); // nobody looked yet

            var next = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            Assert.NotEqual(s.RunId, next.RunId);
            var ended = Assert.Single(_hook.ForRun(s.RunId!, _sb.Url));
            Assert.Equal(RunStatus.Succeeded, ended.Status);
            var history = StateFile.Entry(s.Slug)["previous_runs"]!.Single();
            Assert.Equal("succeeded", (string?)history["status"]);
            Assert.Contains(_sb.Events(s.MissionId!, s.RunId!), e => ((string?)e["summary"] ?? "").StartsWith("Mission succeeded"));
        }

        string ScheduleCall(string assistantId, string from, string to, string missionId, string runId, string stepId)
        {
            using var http = new HttpClient();
            using var req = new HttpRequestMessage(HttpMethod.Post, $"{_sb.Url}/v1/assistants/{assistantId}/events");
            req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _sb.Key);
            var body = new JObject
            {
                ["channel"] = "call", ["to"] = to, ["from"] = from, ["scheduled_at"] = _sb.Server.Now.AddSeconds(90 + 0.5 * _sb.Scale).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), // the sandbox's clock
                ["mission_id"] = missionId, ["run_id"] = runId, ["step_id"] = stepId,
            };
            req.Content = new StringContent(body.ToString(), System.Text.Encoding.UTF8, "application/json");
            using var res = http.Send(req);
            var text = res.Content.ReadAsStringAsync().Result;
            Assert.True(res.IsSuccessStatusCode, text);
            return (string)JObject.Parse(text)["event"]!["id"]!;
        }

        string WaitForConversation(string assistantId, string eventId)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                var ev = _sb.Api($"assistants/{assistantId}/events/{eventId}");
                if ((string?)ev["status"] == "completed" && (string?)ev["conversation_id"] is string c) return c;
                Thread.Sleep(50);
            }
            throw new Xunit.Sdk.XunitException("the scheduled call did not complete within 20 s");
        }
    }
}
