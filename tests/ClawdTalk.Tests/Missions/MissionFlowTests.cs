using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>The documented flows end to end: the real engine runs the module against the sandbox over real sockets.</summary>
    public sealed class MissionFlowTests : IClassFixture<MissionSandbox>, IDisposable
    {
        readonly MissionSandbox _sb;
        readonly RecordingHook _hook = new();

        public MissionFlowTests(MissionSandbox sb) { _sb = sb; }

        public void Dispose() => _hook.Dispose();

        const string Init = "Initialize-ClawdTalkMission -Name $name -Instructions 'Call the leads and qualify them.' -Request 'Qualify three leads' " +
                            "-Step 'Research the leads', @{StepId='call'; Description='Call each lead'}, '{\"step_id\":\"report\",\"description\":\"Write the report\"}'";

        [Fact]
        public void Init_then_agent_then_steps_then_complete_walks_the_published_flow()
        {
            _sb.AddNumbers(1);
            var name = Names.Unique("Flow");
            var slug = Names.SlugOf(name);
            using var ps = _sb.Session();
            var r = ps.Run($@"
                $m = {Init}
                $m
                $m | Add-ClawdTalkAgent -Greeting 'Hi there'
                $m | Set-ClawdTalkStep -StepId research-the-leads -Status in_progress
                $m | Set-ClawdTalkStep -StepId research-the-leads -Status completed -Summary 'found 3 leads' -Payload @{{ leads = 3 }}
                $m | Set-ClawdTalkStep -StepId call -Status in_progress -PassThru
                $m | Complete-ClawdTalkMission -Summary 'Qualified 2 of 3' -Payload '{{""qualified"":2}}'", _sb.Vars(("name", name))).Ok();

            var states = r.Objects<MissionState>();
            Assert.Equal(3, states.Count);
            var init = states[0];
            Assert.Equal(slug, init.Slug);
            Assert.Equal(name, init.MissionName);
            Assert.Equal(RunStatus.Running, init.RunStatus);
            Assert.Equal(new[] { "research-the-leads", "call", "report" }, init.StepIds);
            var agent = states[1];
            Assert.StartsWith("ast_", agent.AssistantId);
            Assert.StartsWith("+1", agent.AgentPhone);
            Assert.NotNull(agent.PhoneNumberId);
            var step = Assert.Single(r.Objects<PlanStep>());
            Assert.Equal(StepStatus.InProgress, step.Status);
            Assert.Equal(slug, step.Slug);
            var done = states[2];
            Assert.Equal(MissionStateStatus.Succeeded, done.Status);
            Assert.Equal("Qualified 2 of 3", done.ResultSummary);

            // the service's view: run succeeded with summary and payload, open steps skipped, the agent calling from the dedicated number
            var run = _sb.Run(init.MissionId!, init.RunId!);
            Assert.Equal("succeeded", (string?)run["status"]);
            Assert.Equal("Qualified 2 of 3", (string?)run["result_summary"]);
            Assert.Equal(2, (int)run["result_payload"]!["qualified"]!);
            Assert.Equal(new[] { "completed", "skipped", "skipped" }, _sb.Steps(init.MissionId!, init.RunId!).Select(s => (string?)s["status"]));
            Assert.Contains((JArray)_sb.Api($"missions/{init.MissionId}/runs/{init.RunId}/agents"), a => (string?)a["telnyx_agent_id"] == agent.AssistantId);
            var phone = ((JArray)_sb.Api("numbers/account-phones")).Single(p => (string?)p["id"] == agent.PhoneNumberId);
            Assert.Equal(agent.AgentPhone, (string?)phone["phone_number"]);
            Assert.Null((string?)phone["connection_id"]); // 2.0.6: kept as the from-number, not assigned

            // every action is on the dashboard, in order
            var events = _sb.Events(init.MissionId!, init.RunId!);
            Assert.Equal(new[] { "custom", "custom", "step_started", "step_completed", "step_started", "custom" }, events.Select(e => (string?)e["type"]));
            Assert.Contains("initialized", (string?)events[0]["summary"]);
            Assert.Contains("Agent set up", (string?)events[1]["summary"]);
            Assert.Equal("research-the-leads", (string?)events[3]["step_id"]);
            Assert.Equal(3, (int)events[3]["payload"]!["leads"]!);
            Assert.Contains("Qualified 2 of 3", (string?)events[5]["summary"]);
            Assert.Equal("claude-code", (string?)events[0]["agent_id"]);

            // the store keeps it as history, in the published format, with memory of each action
            var entry = StateFile.Entry(slug);
            foreach (var k in new[] { "mission_name", "mission_id", "run_id", "created_at", "assistant_id", "agent_phone", "phone_number_id", "memory", "last_updated" })
                Assert.True(entry.ContainsKey(k), "missing " + k);
            Assert.Equal("succeeded", (string?)entry["status"]);
            var memory = (JObject)entry["memory"]!;
            Assert.Equal("completed", (string?)memory["step:research-the-leads"]!["status"]);
            Assert.Equal("found 3 leads", (string?)memory["step:research-the-leads"]!["summary"]);
            Assert.NotNull(memory["initialized"]);
            Assert.Equal(agent.AssistantId, (string?)memory["agent"]!["assistant_id"]);
            Assert.Equal("Qualified 2 of 3", (string?)memory["completion"]!["summary"]);
            Assert.Equal(new[] { "call=skipped", "report=skipped" }, memory["completion"]!["closed_steps"]!.Select(t => (string?)t));

            // pollers: the terminal hook ran once, and what it removed is on record
            var ended = Assert.Single(_hook.For(slug));
            Assert.Equal(RunStatus.Succeeded, ended.Status);
            Assert.Contains($"poller test:{slug}", memory["completion"]!["cleaned_up"]!.Select(t => (string?)t));
        }

        [Fact]
        public void The_last_step_completes_the_run_and_a_recoverable_failure_still_ends_it()
        {
            var name = Names.Unique("Auto");
            var slug = Names.SlugOf(name);
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            ps.Run("Set-ClawdTalkStep -Slug $slug -StepId research-the-leads -Status completed; Set-ClawdTalkStep -Slug $slug -StepId call -Status skipped",
                _sb.Vars(("slug", slug))).Ok();
            Assert.Equal("running", (string?)_sb.Run(m.MissionId!, m.RunId!)["status"]);
            Assert.Empty(_hook.For(slug));

            var last = ps.Run("Set-ClawdTalkStep -Slug $slug -StepId report -Status completed; Get-ClawdTalkMissionState -Slug $slug", _sb.Vars(("slug", slug))).Ok();
            Assert.Equal(MissionStateStatus.Succeeded, last.Single<MissionState>().Status);
            var run = _sb.Run(m.MissionId!, m.RunId!);
            Assert.Equal("succeeded", (string?)run["status"]);
            Assert.Equal("All 3 steps are done.", (string?)run["result_summary"]);
            Assert.Single(_hook.For(slug));

            // a recoverable failure keeps the run open until every step is terminal; then the run fails
            var name2 = Names.Unique("Recover");
            var slug2 = Names.SlugOf(name2);
            var m2 = ps.Run(Init, _sb.Vars(("name", name2))).Single<MissionState>();
            ps.Run("Set-ClawdTalkStep -Slug $slug -StepId call -Status failed -Recoverable -Summary 'line busy'", _sb.Vars(("slug", slug2))).Ok();
            Assert.Equal("running", (string?)_sb.Run(m2.MissionId!, m2.RunId!)["status"]);
            ps.Run("Set-ClawdTalkStep -Slug $slug -StepId research-the-leads -Status completed; Set-ClawdTalkStep -Slug $slug -StepId report -Status skipped", _sb.Vars(("slug", slug2))).Ok();
            var run2 = _sb.Run(m2.MissionId!, m2.RunId!);
            Assert.Equal("failed", (string?)run2["status"]);
            Assert.Equal("call", (string?)run2["result_payload"]!["failed_steps"]![0]);
            Assert.Equal(RunStatus.Failed, Assert.Single(_hook.For(slug2)).Status);
        }

        [Theory]
        [InlineData("completed completed completed", "succeeded")]
        [InlineData("skipped completed skipped", "succeeded")]
        [InlineData("failed~ completed completed", "failed")]
        [InlineData("skipped skipped failed~", "failed")]
        [InlineData("completed failed", "failed")]
        [InlineData("in_progress failed~ pending completed", "running")]
        public void High_level_cmdlets_never_leave_a_run_running_once_every_step_is_terminal(string statuses, string expected)
        {
            // statuses go to research-the-leads, call, report in turn; '~' marks a recoverable failure
            var name = Names.Unique("Terminal");
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            var steps = new[] { "research-the-leads", "call", "report" };
            var list = statuses.Split(' ');
            for (var i = 0; i < list.Length; i++)
            {
                var status = list[i].TrimEnd('~');
                ps.Run($"Set-ClawdTalkStep -Slug $slug -StepId {steps[i % 3]} -Status {status}" + (list[i].EndsWith('~') ? " -Recoverable" : ""), _sb.Vars(("slug", m.Slug))).Ok();
            }
            var run = _sb.Run(m.MissionId!, m.RunId!);
            Assert.Equal(expected, (string?)run["status"]);
            var plan = _sb.Steps(m.MissionId!, m.RunId!);
            if (plan.All(x => (string?)x["status"] is "completed" or "skipped" or "failed")) Assert.NotEqual("running", (string?)run["status"]);
            Assert.Equal(expected == "running" ? "active" : expected, (string?)StateFile.Entry(m.Slug)["status"]);
            Assert.Equal(expected == "running" ? 0 : 1, _hook.For(m.Slug).Count);
        }

        [Fact]
        public void A_failed_step_fails_the_mission_with_a_payload_closes_open_steps_and_removes_pollers()
        {
            var name = Names.Unique("Fail");
            var slug = Names.SlugOf(name);
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            var r = ps.Run(@"Set-ClawdTalkStep -Slug $slug -StepId research-the-leads -Status in_progress
                Set-ClawdTalkStep -Slug $slug -StepId call -Status failed -Summary 'no number reachable' -Payload @{ attempts = 3 }
                Get-ClawdTalkMissionState -Slug $slug", _sb.Vars(("slug", slug))).Ok();
            Assert.Equal(MissionStateStatus.Failed, r.Single<MissionState>().Status);

            var run = _sb.Run(m.MissionId!, m.RunId!);
            Assert.Equal("failed", (string?)run["status"]);
            Assert.Equal("Step 'call' failed: no number reachable", (string?)run["result_summary"]);
            Assert.Equal("call", (string?)run["result_payload"]!["failed_step"]);
            Assert.Equal(3, (int)run["result_payload"]!["payload"]!["attempts"]!);
            Assert.Equal(new[] { "failed", "failed", "skipped" }, _sb.Steps(m.MissionId!, m.RunId!).Select(s => (string?)s["status"]));
            var events = _sb.Events(m.MissionId!, m.RunId!);
            Assert.Equal(2, events.Count(e => (string?)e["type"] == "error"));
            Assert.Contains(events, e => (string?)e["type"] == "error" && (string?)e["step_id"] == "call");
            Assert.Equal(RunStatus.Failed, Assert.Single(_hook.For(slug)).Status);
            var memory = (JObject)StateFile.Entry(slug)["memory"]!;
            Assert.Equal("failed", (string?)memory["failure"]!["status"]);
            Assert.Equal("failed", (string?)memory["step:call"]!["status"]);

            // completing a failed mission needs -Force; nothing is sent without it
            var before = _sb.Log().Count;
            ps.Run("Complete-ClawdTalkMission -Slug $slug", _sb.Vars(("slug", slug))).Error("MissionAlreadyEnded", ErrorCategory.InvalidOperation);
            Assert.Equal(before, _sb.Log().Count);
        }

        [Fact]
        public void Stop_cancels_or_fails_the_run_and_a_failing_hook_is_a_warning()
        {
            var name = Names.Unique("Stop");
            var slug = Names.SlugOf(name);
            _hook.FailFor.Add(slug);
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            var r = ps.Run("Stop-ClawdTalkMission -Slug $slug -Reason 'customer asked to stop' -Force", _sb.Vars(("slug", slug))).Ok();
            Assert.Equal(MissionStateStatus.Cancelled, r.Single<MissionState>().Status);
            Assert.Contains(r.Warnings, w => w.Contains("test pollers") && w.Contains("poller backend unavailable"));
            var run = _sb.Run(m.MissionId!, m.RunId!);
            Assert.Equal("cancelled", (string?)run["status"]);
            Assert.Equal("customer asked to stop", (string?)run["result_payload"]!["reason"]);
            Assert.All(_sb.Steps(m.MissionId!, m.RunId!), s => Assert.Equal("skipped", (string?)s["status"]));

            // stopping again changes nothing
            var writes = MissionSandbox.Writes(_sb.Log()).Count;
            var again = ps.Run("Stop-ClawdTalkMission -Slug $slug -Reason again -Force", _sb.Vars(("slug", slug)));
            Assert.Contains(again.Warnings, w => w.Contains("already ended"));
            Assert.Equal(writes, MissionSandbox.Writes(_sb.Log()).Count);

            var name2 = Names.Unique("Stopfail");
            var m2 = ps.Run(Init, _sb.Vars(("name", name2))).Single<MissionState>();
            ps.Run("Stop-ClawdTalkMission -Slug $slug -Reason 'budget exhausted' -Failed -Force", _sb.Vars(("slug", Names.SlugOf(name2)))).Ok();
            Assert.Equal("failed", (string?)_sb.Run(m2.MissionId!, m2.RunId!)["status"]);
            Assert.Equal(RunStatus.Failed, Assert.Single(_hook.For(Names.SlugOf(name2))).Status);
        }

        [Fact]
        public void Initialize_resumes_an_open_run_and_starts_a_new_run_of_the_same_mission_once_it_ended()
        {
            var name = Names.Unique("Resume");
            var slug = Names.SlugOf(name);
            using var ps = _sb.Session();
            var first = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            var writes = MissionSandbox.Writes(_sb.Log()).Count;
            var again = ps.Run(Init + " -Verbose", _sb.Vars(("name", name))).Single<MissionState>();
            Assert.Equal(first.MissionId, again.MissionId);
            Assert.Equal(first.RunId, again.RunId);
            Assert.Equal(writes, MissionSandbox.Writes(_sb.Log()).Count); // nothing to redo: reads only

            ps.Run("Complete-ClawdTalkMission -Slug $slug -Summary done", _sb.Vars(("slug", slug))).Ok();
            var next = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            Assert.Equal(first.MissionId, next.MissionId);
            Assert.NotEqual(first.RunId, next.RunId);
            Assert.Equal(MissionStateStatus.Active, next.Status);
            var history = (JArray)StateFile.Entry(slug)["previous_runs"]!;
            Assert.Equal(first.RunId, (string?)history.Single()["run_id"]);
            Assert.Equal("succeeded", (string?)history.Single()["status"]);
            Assert.Equal("running", (string?)_sb.Run(next.MissionId!, next.RunId!)["status"]);
            Assert.Single(_sb.Log(), x => (string?)x["method"] == "POST" && (string?)x["path"] == "/v1/missions" && ((string?)x["body"] ?? "").Contains(name));

            // resuming with another plan is refused before anything changes
            var before = MissionSandbox.Writes(_sb.Log()).Count;
            ps.Run("Initialize-ClawdTalkMission -Name $name -Instructions x -Request y -Step other", _sb.Vars(("name", name))).Error("MissionPlanMismatch");
            Assert.Equal(before, MissionSandbox.Writes(_sb.Log()).Count);
        }

        [Fact]
        public void Objects_flow_through_the_pipeline_by_property_name()
        {
            _sb.AddNumbers(1);
            var name = Names.Unique("Pipe");
            using var ps = _sb.Session();
            var r = ps.Run(Init + @" |
                Add-ClawdTalkAgent |
                Set-ClawdTalkStep -StepId research-the-leads -Status completed -PassThru |
                Complete-ClawdTalkMission -Summary 'piped'", _sb.Vars(("name", name))).Ok();
            var state = r.Single<MissionState>();
            Assert.Equal(MissionStateStatus.Succeeded, state.Status);
            Assert.NotNull(state.AssistantId);

            // low-level cmdlets bind MissionId/RunId (or Slug) from the same objects
            var low = ps.Run(@"$s = Get-ClawdTalkMissionState -Slug $slug
                $s | Get-ClawdTalkRun
                $s | Get-ClawdTalkPlan
                $s | Get-ClawdTalkLinkedAgent
                ($s | Get-ClawdTalkEvent -Type step_completed).Count
                Get-ClawdTalkMission -Slug $slug
                $s | Get-ClawdTalkMission", _sb.Vars(("slug", state.Slug))).Ok();
            Assert.Equal(RunStatus.Succeeded, low.Objects<MissionRun>().Single().Status);
            Assert.Equal(state.Slug, low.Objects<MissionRun>().Single().Slug);
            Assert.Equal(3, low.Objects<MissionPlan>().Single().Steps.Length);
            Assert.Equal(state.AssistantId, low.Objects<LinkedAgent>().Single().AssistantId);
            Assert.Equal(1, low.Objects<int>().Single());
            Assert.All(low.Objects<Mission>(), x => Assert.Equal(name, x.Name));
            Assert.Equal(2, low.Objects<Mission>().Count);
        }

        [Fact]
        public void WhatIf_sends_nothing_and_stores_nothing()
        {
            var name = Names.Unique("WhatIf");
            using var ps = _sb.Session();
            var before = _sb.Log().Count;
            var r = ps.Run(Init + " -WhatIf", _sb.Vars(("name", name))).Ok();
            Assert.Empty(r.Output);
            Assert.Contains("Create the mission", r.HostText);
            Assert.Null(StateFile.Find(Names.SlugOf(name)));

            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            before = _sb.Log().Count;
            ps.Run(@"Set-ClawdTalkStep -Slug $slug -StepId call -Status completed -WhatIf
                Complete-ClawdTalkMission -Slug $slug -WhatIf
                Stop-ClawdTalkMission -Slug $slug -Reason x -WhatIf
                Add-ClawdTalkAgent -Slug $slug -WhatIf
                Write-ClawdTalkEvent -Slug $slug -Summary x -WhatIf
                Set-ClawdTalkRun -Slug $slug -Status failed -WhatIf
                Remove-ClawdTalkLinkedAgent -Slug $slug -AssistantId a -WhatIf
                New-ClawdTalkPlan -Slug $slug -Step a -WhatIf
                New-ClawdTalkMission -Name x -Instructions y -WhatIf
                New-ClawdTalkRun -MissionId $m -Request x -WhatIf
                Add-ClawdTalkLinkedAgent -Slug $slug -AssistantId a -WhatIf
                Set-ClawdTalkMemory -Slug $slug -Key k -Value v -WhatIf
                Add-ClawdTalkMemory -Slug $slug -Key k -Value v -WhatIf
                Remove-ClawdTalkMissionState -Slug $slug -WhatIf", _sb.Vars(("slug", m.Slug), ("m", m.MissionId))).Ok();
            Assert.Equal(before, _sb.Log().Count);
            var entry = StateFile.Entry(m.Slug);
            Assert.Equal("active", (string?)entry["status"]);
            Assert.Null(entry["memory"]!["k"]);
        }

        [Fact]
        public void Low_level_cmdlets_do_one_operation_each_and_a_terminal_run_status_still_runs_the_hooks()
        {
            using var ps = _sb.Session();
            var name = Names.Unique("Low");
            var r = ps.Run(@"$m = New-ClawdTalkMission -Name $name -Instructions 'low level'
                $run = $m | New-ClawdTalkRun -Request 'do it' -Context @{ purpose = 'test' } -Input @{ extra = 1 }
                $plan = $run | New-ClawdTalkPlan -Step @{ StepId = 'a'; Description = 'A' }, @{ StepId = 'b'; Description = 'B'; Sequence = 5 }
                $ev = $run | Write-ClawdTalkEvent -Summary 'hello' -Type message -StepId a -Payload @{ n = 1 }
                $link = $run | Add-ClawdTalkLinkedAgent -AssistantId ast_x
                $run | Remove-ClawdTalkLinkedAgent -AssistantId ast_x -Force
                $run | Set-ClawdTalkRun -Status running -Summary 'going' -PassThru
                $m; $run; $plan; $ev; $link
                ($run | Get-ClawdTalkLinkedAgent).Count
                Get-ClawdTalkRun -MissionId $m.MissionId", _sb.Vars(("name", name))).Ok();
            var mission = r.Objects<Mission>().Single();
            Assert.Equal(name, mission.Name);
            var runs = r.Objects<MissionRun>();
            Assert.Equal(RunStatus.Running, runs[0].Status);
            Assert.Equal("going", runs[0].ResultSummary);
            Assert.Equal("do it", ((PSObject)runs[1].Input!).Properties["original_request"].Value);
            Assert.Equal("test", ((PSObject)((PSObject)runs[1].Input!).Properties["context"].Value).Properties["purpose"].Value);
            var plan = r.Objects<MissionPlan>().Single();
            Assert.Equal(new[] { "a", "b" }, plan.Steps.Select(s => s.StepId));
            Assert.Equal(5, plan.Steps[1].Sequence);
            var ev = r.Objects<MissionEvent>().Single();
            Assert.Equal(MissionEventType.Message, ev.Type);
            Assert.Equal("a", ev.StepId);
            Assert.Equal("ast_x", r.Objects<LinkedAgent>().Single().AssistantId);
            Assert.Equal(0, r.Objects<int>().Single());
            Assert.Equal(runs[1].RunId, runs[2].RunId);

            ps.Run("Set-ClawdTalkRun -MissionId $m -RunId $r -Status cancelled -Summary 'by hand'", _sb.Vars(("m", mission.MissionId), ("r", runs[1].RunId))).Ok();
            var ended = Assert.Single(_hook.ForRun(runs[1].RunId, _sb.Url));
            Assert.Null(ended.Slug);
            Assert.Equal(RunStatus.Cancelled, ended.Status);
            Assert.Equal("cancelled", (string?)_sb.Run(mission.MissionId, runs[1].RunId)["status"]);
        }

        [Fact]
        public void Table_views_show_the_useful_columns()
        {
            var name = Names.Unique("View");
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            var v = _sb.Vars(("slug", m.Slug));
            // (every view at 80 and 120 columns: tests/Pester/Views.Tests.ps1)
            Assert.Matches(@"Status\s+Run\s+Steps\s+RunId\s+Slug", ps.RunFormatted("Get-ClawdTalkMissionState -Slug $slug", v).Ok().HostText);
            Assert.Matches(@"Time \(UTC\)\s+Type\s+StepId\s+Summary", ps.RunFormatted("Get-ClawdTalkEvent -Slug $slug", v).Ok().HostText);
            Assert.Matches(@"RunId\s+Done\s+Complete\s+Steps", ps.RunFormatted("Get-ClawdTalkPlan -Slug $slug", v).Ok().HostText);
            Assert.Matches(@"Seq\s+StepId\s+Status", ps.RunFormatted("(Get-ClawdTalkPlan -Slug $slug).Steps", v).Ok().HostText);
            Assert.Matches(@"RunId\s+MissionId\s+Status\s+Updated \(UTC\)\s+ResultSummary", ps.RunFormatted("Get-ClawdTalkRun -Slug $slug", v).Ok().HostText);
            Assert.Matches(@"MissionId\s+Created \(UTC\)\s+Name", ps.RunFormatted("Get-ClawdTalkMission -Slug $slug", v).Ok().HostText);
            Assert.Matches(@"Mission: " + Regex.Escape(m.Slug) + @"\s+Key\s+Value", ps.RunFormatted("Get-ClawdTalkMemory -Slug $slug", v).Ok().HostText);
            Assert.Contains("research-the-leads=Pending", ps.RunFormatted("Get-ClawdTalkPlan -Slug $slug", v).HostText);
        }

        [Fact]
        public void Slugs_and_step_ids_complete_from_the_store()
        {
            var name = Names.Unique("Complete me");
            using var ps = _sb.Session();
            var m = ps.Run(Init, _sb.Vars(("name", name))).Single<MissionState>();
            string[] Complete(string line) => ps.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches.CompletionText",
                new Dictionary<string, object?> { ["line"] = line }).Ok().Output.Select(o => o.ToString()).ToArray();
            Assert.Contains(m.Slug, Complete("Set-ClawdTalkStep -Slug " + m.Slug[..10]));
            Assert.Equal(new[] { "research-the-leads", "report" }, Complete($"Set-ClawdTalkStep -Slug {m.Slug} -StepId re"));
            Assert.Equal(new[] { "call" }, Complete($"Set-ClawdTalkStep -Slug {m.Slug} -StepId c"));
            Assert.Equal(new[] { "in_progress" }, Complete($"Set-ClawdTalkStep -Slug {m.Slug} -StepId call -Status in"));
            Assert.Equal(new[] { "step_started", "step_completed" }, Complete($"Write-ClawdTalkEvent -Slug {m.Slug} -Summary x -Type step"));
            Assert.Contains("initialized", Complete($"Get-ClawdTalkMemory -Slug {m.Slug} -Key i"));
        }
    }
}
