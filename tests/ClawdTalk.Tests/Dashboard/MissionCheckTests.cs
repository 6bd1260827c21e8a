using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using ClawdTalk.Missions;
using ClawdTalk.Pollers;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Dashboard
{
    /// <summary>Test-ClawdTalkMission and Export-ClawdTalkMissionReport in the real engine against the sandbox.</summary>
    public sealed class MissionCheckTests : IClassFixture<DashboardSandbox>
    {
        readonly DashboardSandbox _sb;
        public MissionCheckTests(DashboardSandbox sb) => _sb = sb;

        static List<MissionFinding> Findings(PsResult r) => r.Output.Select(o => o.BaseObject).OfType<MissionFinding>().ToList();

        [Fact]
        public void A_mission_broken_on_purpose_has_each_finding_and_Fix_repairs_them()
        {
            using var ps = _sb.Session();
            var (slug, mid, rid, aid, eid) = _sb.BrokenMission(ps);

            var found = Findings(ps.Run("Test-ClawdTalkMission -Slug $slug", _sb.Vars(("slug", slug))).Ok());
            Assert.Equal(new[] { "AgentNotLinked", "EventNotInMemory", "EventNotOnTimeline", "RunStillRunning" }, found.Select(f => f.FindingId).OrderBy(x => x));
            var running = found.Single(f => f.FindingId == "RunStillRunning");
            Assert.Equal(FindingSeverity.Error, running.Severity);
            Assert.Equal("Complete-ClawdTalkMission", running.Repair);
            Assert.Contains("calls=completed", running.Evidence);
            Assert.Equal(aid, found.Single(f => f.FindingId == "AgentNotLinked").AssistantId);
            Assert.Equal(eid, found.Single(f => f.FindingId == "EventNotInMemory").EventId);
            Assert.All(found, f => { Assert.Equal(slug, f.Slug); Assert.Equal(mid, f.MissionId); Assert.Equal(rid, f.RunId); Assert.False(f.Fixed); });

            // the table view fits the console
            var table = ps.RunFormatted("Test-ClawdTalkMission -Slug $slug", _sb.Vars(("slug", slug))).Ok().HostText;
            Assert.Contains("FindingId", table);
            Assert.Contains("RunStillRunning", table);

            // -WhatIf repairs nothing
            var whatIf = Findings(ps.Run("Test-ClawdTalkMission -Slug $slug -Fix -WhatIf", _sb.Vars(("slug", slug))).Ok());
            Assert.All(whatIf, f => Assert.False(f.Fixed));
            Assert.Equal("running", (string?)_sb.Api($"missions/{mid}/runs/{rid}")["status"]);

            var fixedOnes = Findings(ps.Run("Test-ClawdTalkMission -Slug $slug -Fix -Confirm:$false", _sb.Vars(("slug", slug))).Ok());
            Assert.Equal(4, fixedOnes.Count);
            Assert.All(fixedOnes, f => Assert.True(f.Fixed, f.FindingId + ": " + f.FixNote));

            // the service and the store now agree, and nothing is found any more
            Assert.Equal("succeeded", (string?)_sb.Api($"missions/{mid}/runs/{rid}")["status"]);
            Assert.Contains(((JArray)_sb.Api($"missions/{mid}/runs/{rid}/agents")).OfType<JObject>(), a => (string?)a["telnyx_agent_id"] == aid);
            Assert.Contains(((JArray)_sb.Api($"missions/{mid}/runs/{rid}/events")).OfType<JObject>(), e => (string?)e["payload"]?["scheduled_event_id"] == eid);
            var entry = StateFile.Entry(slug);
            Assert.Contains(((JArray)entry["memory"]!["scheduled_events"]!).OfType<JObject>(), r => (string?)r["event_id"] == eid && (string?)r["status"] == "completed");
            Assert.Equal("succeeded", (string?)entry["status"]);
            Assert.Empty(Findings(ps.Run("Test-ClawdTalkMission -Slug $slug", _sb.Vars(("slug", slug))).Ok()));
        }

        [Fact]
        public void A_rehearsal_through_the_module_has_no_findings_and_exports_its_report()
        {
            using var ps = _sb.Session();
            _sb.AddNumbers(1);
            var name = SandboxHarness.Unique("Sweep <b>&amp;");
            var numbers = new[] { "+12125550001", "+12125550003", "+12125553101", "+12125553102" };
            var slug = ps.Run(DashboardSandbox.SweepScript, _sb.Vars(("name", name), ("numbers", numbers))).Ok().Output.Select(o => o.BaseObject).OfType<string>().Last();

            Assert.Empty(Findings(ps.Run("Get-ClawdTalkMissionState -Slug $slug | Test-ClawdTalkMission", _sb.Vars(("slug", slug))).Ok()));

            var path = Path.Combine(Path.GetTempPath(), "clawdtalk-report-" + Guid.NewGuid().ToString("N") + ".html");
            try
            {
                var file = ps.Run("Export-ClawdTalkMissionReport -Slug $slug -Path $path", _sb.Vars(("slug", slug), ("path", path))).Ok().Single<MissionReportFile>();
                Assert.Equal(path, file.Path);
                Assert.Equal(4, file.Targets);
                Assert.Equal(2, file.Reached); // 0003 is voicemail: not reached, as the report's summary says
                Assert.Equal(2, file.NotReached);
                var html = File.ReadAllText(path);
                Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
                Assert.DoesNotContain("https://", html);
                Assert.Contains("Sweep &lt;b&gt;&amp;amp;", html); // the name, encoded
                Assert.DoesNotContain("<b>&amp;", html);
                Assert.Contains("<svg id=\"outcome-chart\"", html);
                foreach (var n in numbers) Assert.Contains(n, html);
                Assert.Contains("data-outcome=\"answered\"", html);
                Assert.Contains("data-outcome=\"no-answer\"", html);
                Assert.Contains("data-outcome=\"voicemail\"", html);
                Assert.Contains("Interest score", html); // insight summaries
                Assert.Contains("Called 4 shops: 2 answered.", html);
            }
            finally { File.Delete(path); }
        }

        // ---- the rules, on inputs the sandbox cannot easily produce ----

        static MissionCheckInput Input(string runStatus, params (string id, string status)[] steps) => new MissionCheckInput
        {
            Slug = "s", MissionId = "m", RunId = "r",
            Run = new JObject { ["status"] = runStatus },
            Plan = new JObject { ["steps"] = new JArray(steps.Select(s => new JObject { ["step_id"] = s.id, ["status"] = s.status })) },
            Entry = new JObject { ["mission_id"] = "m", ["run_id"] = "r", ["status"] = runStatus == "running" ? "active" : runStatus, ["memory"] = new JObject() },
        };

        [Fact]
        public void The_rules_find_a_pending_step_whose_events_are_done_a_silent_failure_and_a_poller_left_behind()
        {
            var i = Input("running", ("calls", "pending"), ("report", "pending"));
            i.ServiceEvents = new[] { new JObject { ["id"] = "evt_1", ["status"] = "completed", ["step_id"] = "calls", ["assistant_id"] = "ast_1", ["to"] = "+12125550100" } };
            i.Agents = new[] { new JObject { ["telnyx_agent_id"] = "ast_1" } };
            i.Timeline = new[] { new JObject { ["type"] = "tool_call", ["payload"] = new JObject { ["scheduled_event_id"] = "evt_1" } } };
            i.Entry!["memory"]!["scheduled_events"] = new JArray(new JObject { ["event_id"] = "evt_1" });
            var step = Assert.Single(MissionCheck.Inspect(i));
            Assert.Equal("StepPendingEventDone", step.FindingId);
            Assert.Equal("calls", step.StepId);

            var failed = Input("failed", ("calls", "failed"));
            failed.Pollers = new[] { new PollerEntry { Slug = "s", Backend = "cron", Name = "clawdtalk-poller:s" } };
            Assert.Equal(new[] { "PollerLeftBehind", "RunFailedWithoutError" }, MissionCheck.Inspect(failed).Select(f => f.FindingId).OrderBy(x => x));

            failed.Timeline = new[] { new JObject { ["type"] = "error", ["summary"] = "Mission failed" } };
            failed.Pollers = Array.Empty<PollerEntry>();
            Assert.Empty(MissionCheck.Inspect(failed));
        }
    }
}
