using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using OpenQA.Selenium;
using Xunit;

namespace ClawdTalk.Tests.Dashboard
{
    /// <summary>
    /// The sandbox's live dashboard and the exported mission report, in a real browser (Debian's chromium, headless):
    /// assertions on what is visible. Screenshots go to artifacts/screenshots.
    /// </summary>
    public sealed class DashboardBrowserTests : IClassFixture<DashboardSandbox>
    {
        readonly DashboardSandbox _sb;
        public DashboardBrowserTests(DashboardSandbox sb) => _sb = sb;

        static IWebElement? Mission(Browser b, string name) =>
            b.Driver.FindElements(By.CssSelector("article.mission")).FirstOrDefault(a => a.FindElement(By.TagName("h2")).Text == name);

        static string StepStatus(IWebElement mission, string step) =>
            mission.FindElement(By.CssSelector($"ol.plan li[data-step='{step}'] .badge")).Text;

        sealed record Card(int Rows, string Legend, string Text, int StepLinks);

        /// <summary>What a mission's card shows, read in one go (again when a render replaced the card while it was read).</summary>
        static Card ReadCard(Browser b, string name) => b.WaitFor(() =>
        {
            var m = Mission(b, name);
            return m == null ? null : new Card(m.FindElements(By.CssSelector("table.scheduled tbody tr")).Count,
                m.FindElement(By.CssSelector(".legend.outcomes")).Text, m.Text, m.FindElements(By.CssSelector(".timeline a.step")).Count);
        }, "the mission's card");

        [Fact]
        public async Task The_dashboard_shows_a_rehearsal_live_and_its_report_opens_offline()
        {
            using var b = new Browser();
            b.Driver.Navigate().GoToUrl(_sb.Server.DashboardUri);
            b.WaitFor(() => b.Text().Contains("● live"), "the dashboard to connect");

            using var ps = _sb.Session();
            _sb.AddNumbers(1);
            var name = SandboxHarness.Unique("Oat milk sweep");
            var numbers = new[] { "+12125550001", "+12125550003", "+12125554101", "+12125554102", "+12125554103", "+12125554104" };
            // the calls start 10 minutes ahead (10 s at the sandbox's 60 times): a loaded machine's browser still sees the sweep under way
            var rehearsal = Task.Run(() => ps.Run(DashboardSandbox.SweepScript, _sb.Vars(("name", name), ("numbers", numbers), ("lead", 10))));

            // watch the plan while the calls run: the sweep step is seen before it completes, then completed
            var sweepSeen = new List<string>();
            var runSeen = new List<string>();
            var liveShot = false;
            b.WaitFor(() =>
            {
                var m = Mission(b, name);
                if (m == null) return false;
                var s = StepStatus(m, "sweep");
                var r = m.FindElement(By.CssSelector(".run-status")).Text;
                if (sweepSeen.LastOrDefault() != s) sweepSeen.Add(s);
                if (runSeen.LastOrDefault() != r) runSeen.Add(r);
                if (!liveShot && m.FindElements(By.CssSelector("table.scheduled tbody tr")).Count > 0 && r == "running")
                {
                    b.Screenshot("dashboard-rehearsal-live");
                    liveShot = true;
                }
                return r == "succeeded";
            }, "the rehearsal to succeed on the dashboard", 120);
            var result = (await rehearsal).Ok();
            var slug = result.Output.Select(o => o.BaseObject).OfType<string>().Last();

            Assert.True(sweepSeen.Count >= 2 && sweepSeen[0] != "completed", "sweep statuses seen: " + string.Join(" → ", sweepSeen));
            Assert.Equal("completed", sweepSeen.Last());
            Assert.Contains("running", runSeen);
            b.WaitFor(() => StepStatus(Mission(b, name)!, "report") == "completed", "the report step");
            // the run's status and the timeline's closing event come in separate renders: wait for the event too
            b.WaitFor(() => Mission(b, name)?.Text.Contains("Mission succeeded") == true, "the closing event on the timeline");
            var card = ReadCard(b, name); // the page re-renders on change: the card is read in one go, again if a render replaced it
            Assert.Equal(6, card.Rows);
            var legend = card.Legend;
            Assert.Contains("answered: 4", legend);
            Assert.Contains("no-answer: 1", legend);
            Assert.Contains("voicemail: 1", legend);
            var text = card.Text;
            Assert.Contains("4 reached, 2 not reached", text); // the module's words: voicemail is not reached
            // the no-answer call never connected: a dash for its talk time, not "0 s"; an answered one has its minute
            var noAnswer = Mission(b, name)!.FindElements(By.CssSelector("table.scheduled tbody tr")).First(r => r.Text.StartsWith("+12125550001", StringComparison.Ordinal));
            Assert.Equal("\u2014", noAnswer.FindElements(By.TagName("td"))[6].Text);
            Assert.Contains(Mission(b, name)!.FindElements(By.CssSelector("table.scheduled tbody tr")), r => r.FindElements(By.TagName("td"))[6].Text == "60 s");
            Assert.Contains("Called 6 shops: 4 answered.", text);
            Assert.Contains("Interest score", text);                    // insights
            Assert.Contains("No findings", text);
            Assert.Contains("Mission succeeded", text);                 // the timeline's closing event
            Assert.True(card.StepLinks > 0, "events link to their steps");
            Assert.Contains("Oat milk sweep", b.Driver.FindElement(By.TagName("main")).Text);
            b.Screenshot("dashboard-rehearsal-done");

            // the report of the same mission, opened from the file with nothing else to reach
            var path = Path.Combine(Browser.ScreenshotFolder, "..", "report-" + slug + ".html");
            ps.Run("Export-ClawdTalkMissionReport -Slug $slug -Path $path", _sb.Vars(("slug", slug), ("path", Path.GetFullPath(path)))).Ok();
            b.Driver.Navigate().GoToUrl(new Uri(Path.GetFullPath(path)).AbsoluteUri);
            Assert.StartsWith("Mission report: Oat milk sweep", b.Driver.Title);
            var rows = b.Driver.FindElements(By.CssSelector("#targets tbody tr"));
            Assert.Equal(6, rows.Count);
            var cells = rows.Select(r => r.FindElements(By.TagName("td")).Select(c => c.Text).ToArray()).ToList();
            Assert.Contains(cells, c => c[1] == "+12125550001" && c[3] == "1" && c[4] == "no-answer");
            Assert.Contains(cells, c => c[1] == "+12125550003" && c[4] == "voicemail");
            Assert.Equal(4, cells.Count(c => c[4] == "answered" && c[6].Contains("Interest score")));
            Assert.All(cells, c => Assert.StartsWith("Shop ", c[0]));
            var bars = b.Driver.FindElements(By.CssSelector("svg#outcome-chart g.bar"));
            Assert.Equal(new[] { "answered", "no-answer", "voicemail" }, bars.Select(g => g.GetAttribute("data-outcome")).OrderBy(x => x));
            Assert.Contains("4 (67%)", b.Driver.FindElement(By.CssSelector("svg#outcome-chart")).Text);
            Assert.True(b.Driver.FindElement(By.CssSelector("svg#outcome-chart rect")).Size.Width > 100, "the answered bar is drawn");
            Assert.Contains("Called 6 shops: 4 answered.", b.Driver.FindElement(By.Id("summary")).Text);
            Assert.True(b.Driver.FindElements(By.CssSelector("#timeline tbody tr")).Count >= 10);
            b.Screenshot("report");
        }

        [Fact]
        public async Task The_parallel_sweep_example_shows_step_by_step_and_exports_its_report()
        {
            using var b = new Browser();
            b.Driver.Navigate().GoToUrl(_sb.Server.DashboardUri);
            b.WaitFor(() => b.Text().Contains("● live"), "the dashboard to connect");
            using var ps = _sb.Session();
            _sb.AddNumbers(1);
            var name = SandboxHarness.Unique("Oat milk example");
            var script = Path.Combine(ModuleLocation.RepoRoot, "examples", "parallel-sweep.ps1");
            // the calls start ten sandbox minutes ahead (10 s at 60x), so a loaded machine cannot finish the sweep before
            // the page has seen it under way
            var run = Task.Run(() => ps.Run("& $script -Name $name -Count 5 -At ([datetime]::UtcNow.AddMinutes(10))", _sb.Vars(("script", script), ("name", name))));

            var seen = new List<string>();
            b.WaitFor(() =>
            {
                var m = Mission(b, name);
                if (m == null) return false;
                var state = $"{m.FindElement(By.CssSelector(".run-status")).Text} sweep={StepStatus(m, "sweep")} report={StepStatus(m, "report")}";
                if (seen.LastOrDefault() != state) seen.Add(state);
                return state == "succeeded sweep=completed report=completed"; // the service ends the run when its calls end; the report step follows
            }, "the example to succeed on the dashboard", 120);
            var r = (await run).Ok();
            Assert.Contains("Called 5 shops: 5 answered, 0 not reached.", r.Output.Select(o => o.BaseObject).OfType<string>());
            Assert.Contains(seen, s => s.EndsWith("report=pending", StringComparison.Ordinal) && !s.Contains("sweep=completed", StringComparison.Ordinal));
            Assert.Equal("succeeded sweep=completed report=completed", seen.Last());
            var card = ReadCard(b, name);
            Assert.Equal(5, card.Rows);
            Assert.Contains("answered: 5", card.Legend);
            Assert.Contains("No findings", card.Text);

            var slug = ClawdTalk.Boundary.Slugs.From(name);
            var path = Path.GetFullPath(Path.Combine(Browser.ScreenshotFolder, "..", "report-" + slug + ".html"));
            ps.Run("Export-ClawdTalkMissionReport -Slug $slug -Path $path", _sb.Vars(("slug", slug), ("path", path))).Ok();
            b.Driver.Navigate().GoToUrl(new Uri(path).AbsoluteUri);
            Assert.Equal(5, b.Driver.FindElements(By.CssSelector("#targets tbody tr")).Count);
            Assert.Equal("answered", Assert.Single(b.Driver.FindElements(By.CssSelector("svg#outcome-chart g.bar"))).GetAttribute("data-outcome"));
            Assert.Contains("Called 5 shops: 5 answered, 0 not reached.", b.Driver.FindElement(By.Id("summary")).Text);
        }

        [Fact]
        public void Direct_calls_that_never_connected_show_a_dash_and_a_simulated_inbound_call_ends()
        {
            using var b = new Browser();
            b.Driver.Navigate().GoToUrl(_sb.Server.DashboardUri);
            b.WaitFor(() => b.Text().Contains("● live"), "the dashboard to connect");
            using var ps = _sb.Session();
            var busy = (DirectCall)ps.Run("Start-ClawdTalkCall -To '+1 212 555 0002' -Force -Wait").Ok().Output.Single().BaseObject;
            Assert.Equal(DirectCallStatus.Busy, busy.Status);
            Assert.Equal("", busy.Duration); // and the module's view shows nothing for it either
            // a simulated inbound call: the caller hangs up a minute (sandbox time) after the last thing said
            var inbound = (string)_sb.Control("calls/inbound", new { from = "+12125550190" })["call_id"]!;
            var row = b.WaitFor(() => b.Driver.FindElements(By.CssSelector("table.calls tbody tr")).FirstOrDefault(r => r.Text.StartsWith(inbound, StringComparison.Ordinal))
                is IWebElement r && r.Text.Contains("completed") ? r.Text : null, "the inbound call to end", 30);
            var talked = System.Text.RegularExpressions.Regex.Match(row, @"(\d+) s");
            Assert.True(talked.Success && int.Parse(talked.Groups[1].Value) >= 60, "talk time of the inbound call: " + row);
            var busyRow = b.Driver.FindElements(By.CssSelector("table.calls tbody tr")).Single(r => r.Text.StartsWith(busy.CallId, StringComparison.Ordinal));
            Assert.Equal("\u2014", busyRow.FindElements(By.TagName("td"))[4].Text);
            b.Screenshot("dashboard-calls");
        }

        [Fact]
        public void The_dashboard_shows_the_findings_of_a_broken_mission_until_they_are_fixed()
        {
            using var ps = _sb.Session();
            var (slug, _, _, aid, eid) = _sb.BrokenMission(ps);
            var name = StateFile.Entry(slug)["mission_name"]!.ToString();

            using var b = new Browser();
            b.Driver.Navigate().GoToUrl(_sb.Server.DashboardUri);
            b.WaitFor(() => Mission(b, name), "the broken mission");
            var findings = b.WaitFor(() =>
            {
                var ids = Mission(b, name)!.FindElements(By.CssSelector("li.finding")).Select(f => f.GetAttribute("data-finding")).OrderBy(x => x).ToList();
                return ids.Count == 3 ? ids : null;
            }, "three findings");
            Assert.Equal(new[] { "AgentNotLinked", "EventNotOnTimeline", "RunStillRunning" }, findings);
            var text = b.WaitFor(() => Mission(b, name)?.Text, "the broken mission's card");
            Assert.Contains("RunStillRunning Error — The run is running though all 1 steps are terminal (calls=completed).", text);
            Assert.Contains($"The assistant {aid} has 1 scheduled event(s) on this run but is not linked to it.", text);
            Assert.Contains($"The scheduled call {eid} to +12125557711 (step 'calls') has no event on the run's timeline.", text);
            Assert.Contains("none linked", text);
            b.Screenshot("dashboard-findings");

            // the module sees the same, and one more that needs the store (the memory record); -Fix repairs all four
            var fixedOnes = ps.Run("Test-ClawdTalkMission -Slug $slug -Fix -Confirm:$false", _sb.Vars(("slug", slug))).Ok()
                .Output.Select(o => o.BaseObject).OfType<MissionFinding>().ToList();
            Assert.Equal(new[] { "AgentNotLinked", "EventNotInMemory", "EventNotOnTimeline", "RunStillRunning" }, fixedOnes.Select(f => f.FindingId).OrderBy(x => x));
            Assert.All(fixedOnes, f => Assert.True(f.Fixed));

            b.WaitFor(() => Mission(b, name)?.Text.Contains("No findings") == true, "the findings to clear");
            var repaired = b.WaitFor(() =>
            {
                var m = Mission(b, name);
                return m == null ? null : Tuple.Create(m.FindElement(By.CssSelector(".run-status")).Text, m.Text);
            }, "the repaired mission's card");
            Assert.Equal("succeeded", repaired.Item1);
            Assert.Contains("recorded late by Test-ClawdTalkMission", repaired.Item2);
            b.Screenshot("dashboard-fixed");
        }
    }
}
