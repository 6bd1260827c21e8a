using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>
    /// The contract allows several response shapes; the sandbox serves the first. These drive the others through a
    /// scripted server, and the insight wait (polling, timeout, progress, Ctrl+C).
    /// </summary>
    public sealed class MissionShapeTests : IDisposable
    {
        readonly ScriptedServer _server = new();
        readonly string _key = Keys.NewApiKey();
        readonly PsSession _ps;

        public MissionShapeTests()
        {
            _ps = new PsSession().Secret(_key);
            _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url -MaxRetryCount 0", Vars()).Ok();
        }

        public void Dispose()
        {
            _ps.Dispose();
            _server.Dispose();
        }

        Dictionary<string, object?> Vars(params (string, object?)[] more)
        {
            var d = new Dictionary<string, object?> { ["key"] = SecureStrings.From(_key), ["url"] = _server.Url };
            foreach (var (k, v) in more) d[k] = v;
            return d;
        }

        static ScriptedServer.Reply Ok(string json, int status = 200) => new(status, json);

        [Fact]
        public void Initialize_accepts_data_envelopes_bare_objects_and_the_other_id_keys()
        {
            var name = Names.Unique("Shapes");
            var slug = Names.SlugOf(name);
            _server.Then(
                Ok("{\"data\":{\"mission_id\":\"m_alt\",\"name\":\"x\"}}", 201),
                Ok("{\"id\":\"r_alt\",\"status\":\"pending\"}", 201),
                Ok("{\"data\":{\"steps\":[{\"step_id\":\"a\",\"description\":\"A\",\"sequence\":1,\"status\":\"pending\"}]}}", 201),
                Ok("{\"data\":{\"run_id\":\"r_alt\",\"status\":\"running\"}}"),
                Ok("{\"data\":{\"id\":\"e1\",\"type\":\"custom\"}}", 201));
            try
            {
                var state = _ps.Run("Initialize-ClawdTalkMission -Name $name -Instructions i -Request r -Step a", Vars(("name", name))).Single<MissionState>();
                Assert.Equal("m_alt", state.MissionId);
                Assert.Equal("r_alt", state.RunId);
                Assert.Equal(new[] { "a" }, state.StepIds);
                Assert.Equal(new[] { "POST /v1/missions", "POST /v1/missions/m_alt/runs", "POST /v1/missions/m_alt/runs/r_alt/plan", "PATCH /v1/missions/m_alt/runs/r_alt", "POST /v1/missions/m_alt/runs/r_alt/events" },
                    _server.Requests.Select(q => q.Method + " " + q.Path));
                var run = JObject.Parse(_server.Requests.ElementAt(1).Body);
                Assert.Equal("r", (string?)run["input"]!["original_request"]);
                Assert.NotNull((string?)run["input"]!["client_request_id"]);
                Assert.Equal("running", (string?)JObject.Parse(_server.Requests.ElementAt(3).Body)["status"]);
            }
            finally { new MissionStateStore(StateFile.Path).Update(slug, _ => null); }
        }

        [Fact]
        public void Lists_and_single_objects_come_in_every_listed_envelope()
        {
            _server.Then(
                Ok("{\"data\":[{\"mission_id\":\"m1\",\"name\":\"Alpha\"},{\"id\":\"m2\",\"name\":\"Beta\"}]}"),
                Ok("{\"mission\":{\"id\":\"m3\",\"name\":\"Gamma\"}}"),
                Ok("{\"id\":\"m4\",\"name\":\"Delta\"}"),
                Ok("{\"data\":[{\"run_id\":\"r1\",\"status\":\"running\"},{\"id\":\"r2\",\"status\":\"succeeded\"}]}"),
                Ok("[{\"id\":\"e1\",\"type\":\"step_started\",\"summary\":\"s\",\"step_id\":\"a\"},{\"id\":\"e2\",\"type\":\"error\",\"summary\":\"t\"}]"),
                Ok("{\"data\":[{\"telnyx_agent_id\":\"ast_1\"}]}"),
                Ok("{\"data\":{\"steps\":[{\"step_id\":\"b\",\"sequence\":2,\"status\":\"completed\"},{\"step_id\":\"a\",\"sequence\":1,\"status\":\"in_progress\"}]}}"));
            var r = _ps.Run(@"Get-ClawdTalkMission -Name '*a'
                Get-ClawdTalkMission -MissionId m3
                Get-ClawdTalkMission -MissionId m4
                Get-ClawdTalkRun -MissionId m
                Get-ClawdTalkEvent -MissionId m -RunId r -Type error
                Get-ClawdTalkLinkedAgent -MissionId m -RunId r
                Get-ClawdTalkPlan -MissionId m -RunId r", Vars()).Ok();
            Assert.Equal(new[] { "m1", "m2", "m3", "m4" }, r.Objects<Mission>().Select(m => m.MissionId));
            Assert.Equal(new[] { RunStatus.Running, RunStatus.Succeeded }, r.Objects<MissionRun>().Select(x => x.Status));
            Assert.Equal(new[] { "r1", "r2" }, r.Objects<MissionRun>().Select(x => x.RunId));
            Assert.Equal("e2", r.Objects<MissionEvent>().Single().EventId);
            Assert.Equal("ast_1", r.Objects<LinkedAgent>().Single().AssistantId);
            var plan = r.Objects<MissionPlan>().Single();
            Assert.Equal(new[] { "a", "b" }, plan.Steps.Select(s => s.StepId));
            Assert.Equal(1, plan.Done);
            Assert.Equal("/v1/missions?page[size]=20", _server.Requests.First().Path);
        }

        [Fact]
        public void A_404_names_what_was_not_found()
        {
            _server.Then(new ScriptedServer.Reply(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"Mission 'zz' not found\"}}"),
                         new ScriptedServer.Reply(404, "{\"message\":\"no such run\"}"));
            var r = _ps.Run("Get-ClawdTalkMission -MissionId zz; Get-ClawdTalkRun -MissionId m -RunId zz", Vars());
            Assert.Contains("Mission 'zz' not found", r.Error("MissionNotFound", ErrorCategory.ObjectNotFound).ErrorDetails.Message);
            r.Error("RunNotFound", ErrorCategory.ObjectNotFound);
        }

        [Fact]
        public void Insights_are_polled_until_completed_with_progress_that_is_completed()
        {
            _server.Then(
                Ok("{\"data\":[{\"status\":\"pending\",\"conversation_insights\":[]}]}"),
                Ok("{\"data\":[{\"status\":\"in_progress\",\"conversation_insights\":[]}]}"),
                Ok("{\"data\":[{\"id\":\"ins1\",\"status\":\"completed\",\"conversation_insights\":[{\"name\":\"score\",\"result\":\"7\"},{\"name\":\"summary\",\"result\":\"Interested, call back Monday\"}]}]}"));
            var r = _ps.Run("[pscustomobject]@{ ConversationId = 'conv_1'; Slug = 'some-mission'; MissionId = 'm'; RunId = 'r' } | Get-ClawdTalkInsight -PollInterval 0.3 -Timeout 30", Vars()).Ok();
            var insight = r.Single<ConversationInsight>();
            Assert.Equal("conv_1", insight.ConversationId);
            Assert.Equal("Interested, call back Monday", insight.Summary);
            Assert.Equal(new object?[] { "7", "Interested, call back Monday" }, insight.Results);
            Assert.Equal("some-mission", insight.Slug);
            Assert.Equal(3, _server.Requests.Count);
            Assert.All(_server.Requests, q => Assert.Equal("/v1/missions/conversations/conv_1/insights", q.Path));
            Assert.NotEmpty(r.Progress);
            Assert.Equal(ProgressRecordType.Completed, r.Progress.Last().RecordType);
            Assert.Single(r.Progress.Select(p => p.ActivityId).Distinct());
        }

        [Fact]
        public void An_insight_wait_times_out_with_InsightTimeout_and_NoWait_reads_once()
        {
            _server.Fallback = Ok("{\"data\":[{\"status\":\"in_progress\",\"conversation_insights\":[]}]}");
            var r = _ps.Run("Get-ClawdTalkInsight -ConversationId conv_2 -PollInterval 0.2 -Timeout 0.7", Vars());
            Assert.Contains("not completed within", r.Error("InsightTimeout", ErrorCategory.OperationTimeout).ErrorDetails.Message);
            Assert.InRange(_server.Requests.Count, 2, 8);
            Assert.Equal(ProgressRecordType.Completed, r.Progress.Last().RecordType);

            var n = _server.Requests.Count;
            var once = _ps.Run("Get-ClawdTalkInsight -ConversationId conv_2 -NoWait", Vars()).Single<ConversationInsight>();
            Assert.Equal("in_progress", once.Status);
            Assert.Equal(n + 1, _server.Requests.Count);
        }

        [Fact]
        public void Ctrl_C_ends_an_insight_wait_at_once()
        {
            _server.Fallback = Ok("{\"data\":[{\"status\":\"in_progress\",\"conversation_insights\":[]}]}");
            var before = _server.Requests.Count;
            // pressed once the first read came back in progress: the cmdlet is in its 30 s pause
            var r = _ps.RunAndStop("Get-ClawdTalkInsight -ConversationId conv_3 -PollInterval 30 -Timeout 600", () => _server.Requests.Count > before, TimeSpan.FromSeconds(30), Vars());
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Ctrl+C took {r.StopDuration}");
            Assert.Empty(r.Output);
        }

        [Fact]
        public void Add_agent_accepts_the_other_shapes_and_a_link_that_does_not_read_back_is_AgentLinkNotVerified()
        {
            var name = Names.Unique("Agent shapes");
            var slug = Names.SlugOf(name);
            var store = new MissionStateStore(StateFile.Path);
            store.Update(slug, _ => new JObject { ["mission_name"] = name, ["mission_id"] = "m9", ["run_id"] = "r9", ["memory"] = new JObject(), ["status"] = "active" });
            try
            {
                _server.Then(
                    Ok("{\"phone\":{\"id\":\"ph9\",\"phone_number\":\"+15550009999\"}}"),  // available
                    Ok("{\"id\":\"ast9\",\"name\":\"x\"}", 201),                            // created (the object itself)
                    Ok("{\"data\":[]}"),                                                     // not linked yet
                    Ok("{\"data\":{\"telnyx_agent_id\":\"ast9\"}}", 201),                   // link
                    Ok("{\"data\":[]}"));                                                    // read-back misses it
                var r = _ps.Run("Add-ClawdTalkAgent -Slug $slug", Vars(("slug", slug)));
                r.Error("AgentLinkNotVerified", ErrorCategory.InvalidResult);
                Assert.Equal("ast9", (string?)StateFile.Entry(slug)["assistant_id"]); // stored at once: a rerun does not create another

                _server.Then(
                    Ok("{\"assistant\":{\"id\":\"ast9\"}}"),                                 // the stored assistant still exists
                    Ok("{\"data\":[{\"telnyx_agent_id\":\"ast9\"}]}"),                      // linked now
                    Ok("{\"phone\":{\"id\":\"ph9\",\"phone_number\":\"+15550009999\"}}"),
                    Ok("{\"connection_id\":\"conn9\"}"),
                    Ok("{\"data\":[{\"id\":\"ph9\",\"phone_number\":\"+15550009999\"}]}"),  // not assigned yet
                    Ok("{\"data\":{\"id\":\"ph9\",\"connection_id\":\"conn9\"}}"),
                    Ok("{\"data\":{\"id\":\"ev\"}}", 201));
                var state = _ps.Run("Add-ClawdTalkAgent -Slug $slug -AssignNumber", Vars(("slug", slug))).Single<MissionState>();
                Assert.Equal("+15550009999", state.AgentPhone);
                Assert.Single(_server.Requests, q => q.Method == "POST" && q.Path == "/v1/assistants");
                var assign = _server.Requests.Single(q => q.Method == "PATCH");
                Assert.Equal("/v1/numbers/account-phones/ph9", assign.Path);
                Assert.Equal("conn9", (string?)JObject.Parse(assign.Body)["connection_id"]);
                Assert.Equal("voice", (string?)JObject.Parse(assign.Body)["type"]);
                var created = JObject.Parse(_server.Requests.Single(q => q.Method == "POST" && q.Path == "/v1/assistants").Body);
                Assert.Equal("openai/gpt-4o", (string?)created["model"]);
                Assert.Equal("Rime.ArcanaV3.astra", (string?)created["voice"]);
                Assert.Equal("", (string?)created["greeting"]);
                Assert.Equal(new[] { "telephony", "messaging" }, created["enabled_features"]!.Select(t => (string?)t));
                Assert.Equal(new[] { "hangup", "send_dtmf" }, created["tools"]!.Select(t => (string?)t["type"]));
            }
            finally { store.Update(slug, _ => null); }
        }
    }
}
