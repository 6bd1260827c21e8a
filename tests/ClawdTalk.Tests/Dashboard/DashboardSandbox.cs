using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Dashboard
{
    /// <summary>
    /// A sandbox for the dashboard, report and mission-check tests: a time scale low enough that a rehearsal's steps
    /// can be watched changing (a call takes about a second), insights ready at their first read.
    /// </summary>
    public sealed class DashboardSandbox : SandboxHarness
    {
        protected override double TimeScale => 60;

        protected override bool InstantInsights => true;

        /// <summary>
        /// A parallel-sweep-like rehearsal through the module: a plan (sweep, report), an agent, calls to
        /// <paramref name="numbers"/> on step sweep, a wait for all of them, the insights, the report step and the completion.
        /// With $lead (minutes) the calls start that far ahead, so whoever watches has that long to see the sweep under way.
        /// </summary>
        public const string SweepScript = @"
$m = Initialize-ClawdTalkMission -Name $name -Instructions 'Ask shops whether they stock oat milk.' -Request 'Oat milk sweep' `
    -Step @{ StepId = 'sweep'; Description = 'Call every shop' }, @{ StepId = 'report'; Description = 'Report the answers' } |
    Add-ClawdTalkAgent -Instructions 'Ask about oat milk, then hang up.'
$when = if ($lead) { @{ At = [datetime]::UtcNow.AddMinutes($lead) } } else { @{} }
$answers = $numbers | ForEach-Object -Begin { $i = 0 } -Process { $i++; [pscustomobject]@{ Name = ""Shop $i""; Phone = $_ } } |
    Register-ClawdTalkCall -Slug $m.Slug -StepId sweep -Force -WarningAction SilentlyContinue @when |
    Wait-ClawdTalkEvent |
    ForEach-Object { [pscustomobject]@{ Phone = $_.To; Outcome = $_.Outcome; Insight = if ($_.ConversationId) { ($_ | Get-ClawdTalkInsight -PollInterval 0.1).Summary } } }
$reached = @($answers | Where-Object Outcome -eq 'answered').Count
$summary = ""Called $(@($answers).Count) shops: $reached answered.""
$null = $m | Set-ClawdTalkStep -StepId report -Status completed -Summary $summary
$null = $m | Complete-ClawdTalkMission -Summary $summary
$m.Slug
";

        /// <summary>
        /// A mission broken the way the service's guidance warns about: set up through the module (plan, agent), then a
        /// careless agent schedules a call with raw REST (no memory record, no timeline event), the run is set back to
        /// running after the service ended it, and the agent is unlinked. Returns (slug, missionId, runId, assistantId, eventId).
        /// </summary>
        public (string slug, string mid, string rid, string aid, string eid) BrokenMission(PsSession ps)
        {
            AddNumbers(1);
            var name = Unique("Broken sweep");
            var slug = ps.Run("(Initialize-ClawdTalkMission -Name $name -Instructions 'Broken on purpose' -Request 'Test' -Step calls | Add-ClawdTalkAgent -Instructions 'Be brief.').Slug",
                Vars(("name", name))).Ok().Output.Select(o => (string)o.BaseObject).Single();
            var e = StateFile.Entry(slug);
            string mid = (string)e["mission_id"]!, rid = (string)e["run_id"]!, aid = (string)e["assistant_id"]!;
            var at = Server.Now.AddSeconds(70 + 0.5 * Scale).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"); // the sandbox's clock
            var ev = (JObject)Send(HttpMethod.Post, $"assistants/{aid}/events", new
            {
                channel = "call", to = "+12125557711", from = (string?)e["agent_phone"] ?? "+15550000101", scheduled_at = at,
                mission_id = mid, run_id = rid, step_id = "calls",
            })["event"]!;
            var eid = (string)ev["id"]!;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((string?)ScheduledEvent(aid, eid)["status"] != "completed")
            {
                Assert.True(DateTime.UtcNow < deadline, "the raw call did not complete");
                Thread.Sleep(100);
            }
            // the service completed the step and ended the run; a careless agent sets it running again and unlinks itself
            Send(HttpMethod.Patch, $"missions/{mid}/runs/{rid}", new { status = "running" });
            Send(HttpMethod.Delete, $"missions/{mid}/runs/{rid}/agents/{aid}");
            return (slug, mid, rid, aid, eid);
        }
    }
}
