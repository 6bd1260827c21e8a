using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

/// <summary>The dashboard's page and state endpoint, and the findings the sandbox computes from its own state.</summary>
public sealed class DashboardTests : SandboxTests
{
    public DashboardTests(SandboxFixture f) : base(f) { }

    [Fact]
    public async Task The_page_is_one_offline_file_and_the_state_answers_304_when_unchanged()
    {
        using HttpResponseMessage page = await F.Http.GetAsync(Server.DashboardUri);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/_sandbox/dashboard.json", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Empty((await Get("/_sandbox/log"))["requests"].AsArray()); // neither the page nor the state is logged

        Reply state = await Get("/_sandbox/dashboard.json", key: null);
        Assert.Equal(200, state.Status);
        Assert.Empty(state["missions"].AsArray());
        using var again = new HttpRequestMessage(HttpMethod.Get, Server.BaseUri + "_sandbox/dashboard.json");
        again.Headers.TryAddWithoutValidation("If-None-Match", state.Raw.Headers.ETag!.Tag);
        using HttpResponseMessage notModified = await F.Http.SendAsync(again);
        Assert.Equal(304, (int)notModified.StatusCode);
        await MissionRun();
        using var changed = new HttpRequestMessage(HttpMethod.Get, Server.BaseUri + "_sandbox/dashboard.json");
        changed.Headers.TryAddWithoutValidation("If-None-Match", state.Raw.Headers.ETag!.Tag);
        using HttpResponseMessage fresh = await F.Http.SendAsync(changed);
        Assert.Equal(200, (int)fresh.StatusCode);
    }

    private async Task<string[]> Findings(string rid)
    {
        JsonNode run = (await Get("/_sandbox/dashboard.json", key: null))["missions"].AsArray()
            .SelectMany(m => m!["runs"]!.AsArray()).Single(r => Str(r!["run_id"]) == rid)!;
        return run["findings"]!.AsArray().Select(f => Str(f!["id"])).OrderBy(x => x).ToArray();
    }

    [Fact]
    public async Task Findings_follow_the_state_of_a_run()
    {
        var (mid, rid) = await MissionRun(steps: 1);
        string aid = await Assistant();
        JsonNode ev = await ScheduleCall(aid, "+12125556601", mid, rid, step: "s1");
        string eid = Str(ev["id"]);
        // the call ends (the service completes s1 and the run); no agent linked, no timeline event for it
        await Until(async () => (await Findings(rid)).Contains("EventNotOnTimeline") ? "seen" : null, "the missing timeline event", 15);
        Assert.Equal(new[] { "AgentNotLinked", "EventNotOnTimeline" }, await Findings(rid));

        await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "running" });
        Assert.Equal(new[] { "AgentNotLinked", "EventNotOnTimeline", "RunStillRunning" }, await Findings(rid));
        await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/s1", new { status = "pending" });
        Assert.Equal(new[] { "AgentNotLinked", "EventNotOnTimeline", "StepPendingEventDone" }, await Findings(rid));
        await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/s1", new { status = "completed" });
        await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "failed" });
        Assert.Equal(new[] { "AgentNotLinked", "EventNotOnTimeline", "RunFailedWithoutError" }, await Findings(rid));

        await Post($"/v1/missions/{mid}/runs/{rid}/agents", new { telnyx_agent_id = aid });
        await Post($"/v1/missions/{mid}/runs/{rid}/events", new { type = "tool_call", summary = "Scheduled a call", step_id = "s1", payload = new { scheduled_event_id = eid } });
        await Post($"/v1/missions/{mid}/runs/{rid}/events", new { type = "error", summary = "Mission failed" });
        Assert.Empty(await Findings(rid));
    }
}
