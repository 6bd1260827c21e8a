using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class MissionApiTests : SandboxTests
{
    public MissionApiTests(SandboxFixture f) : base(f) { }

    [Fact]
    public async Task Rest_needs_the_api_key()
    {
        Reply wrong = await Get("/v1/missions", key: "not-the-key");
        Assert.Equal(401, wrong.Status);
        Assert.Equal("unauthorized", wrong.ErrorCode);
        Reply none = await Post("/v1/missions", new { name = "x" }, key: null);
        Assert.Equal(401, none.Status);
        Assert.Empty((await Get("/v1/missions"))["missions"].AsArray()); // nothing was created
    }

    [Fact]
    public async Task Missions_are_created_read_and_listed()
    {
        Reply created = await Post("/v1/missions", new { name = "Find a plumber", instructions = "Call three" });
        Assert.Equal(201, created.Status);
        JsonNode m = created["mission"];
        string id = Str(m["id"]);
        Assert.Equal("Find a plumber", Str(m["name"]));
        Assert.Equal("Call three", Str(m["instructions"]));

        Assert.Equal(id, Str((await Get($"/v1/missions/{id}"))["mission"]["id"]));
        await Post("/v1/missions", new { name = "Second", instructions = "" });
        await Post("/v1/missions", new { name = "Third", instructions = "" });
        JsonArray all = (await Get("/v1/missions"))["missions"].AsArray();
        Assert.Equal(new[] { "Third", "Second", "Find a plumber" }, all.Select(x => Str(x!["name"]))); // newest first
        JsonArray two = (await Get("/v1/missions?page[size]=2"))["missions"].AsArray();
        Assert.Equal(2, two.Count);
        JsonArray page2 = (await Get("/v1/missions?page[size]=2&page[number]=2"))["missions"].AsArray();
        Assert.Equal("Find a plumber", Str(Assert.Single(page2)!["name"]));
    }

    [Fact]
    public async Task Mission_validation_and_unknown_ids()
    {
        Assert.Equal(422, (await Post("/v1/missions", new { instructions = "no name" })).Status);
        Assert.Equal("missing_field", (await Post("/v1/missions", new { name = "" })).ErrorCode);
        Reply malformed = await Post("/v1/missions", "{\"name\": ");
        Assert.Equal(400, malformed.Status);
        Assert.Equal("invalid_json", malformed.ErrorCode);
        Assert.Equal(400, (await Post("/v1/missions", "[1,2]")).Status);
        Assert.Equal(422, (await Post("/v1/missions", new { name = 5 })).Status);
        Reply missing = await Get("/v1/missions/mis_nope");
        Assert.Equal(404, missing.Status);
        Assert.Equal("not_found", missing.ErrorCode);
        Assert.Equal(422, (await Get("/v1/missions?page[size]=zero")).Status);
        Assert.Equal(404, (await Get("/v1/no-such-thing")).Status);
    }

    [Fact]
    public async Task Runs_are_created_updated_and_listed()
    {
        string mid = Str((await Post("/v1/missions", new { name = "M", instructions = "I" }))["mission"]["id"]);
        Reply created = await Post($"/v1/missions/{mid}/runs", new { input = new { original_request = "find", context = "x", extra = 1 } });
        Assert.Equal(201, created.Status);
        JsonNode run = created["data"];
        string rid = Str(run["run_id"]);
        Assert.Equal("pending", Str(run["status"]));
        Assert.Equal(1, run["input"]!["extra"]!.GetValue<int>());

        Reply patched = await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "running" });
        Assert.Equal("running", Str(patched["data"]["status"]));
        patched = await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "succeeded", result_summary = "done", result_payload = new { best = "A" } });
        Assert.Equal("done", Str(patched["data"]["result_summary"]));
        Assert.Equal("A", Str(patched["data"]["result_payload"]!["best"]));
        Assert.Equal("succeeded", Str((await Get($"/v1/missions/{mid}/runs/{rid}"))["data"]["status"]));
        Assert.Equal(rid, Str(Assert.Single((await Get($"/v1/missions/{mid}/runs"))["data"].AsArray())!["run_id"]));

        Reply bad = await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "done" });
        Assert.Equal(422, bad.Status);
        Assert.Equal("invalid_status", bad.ErrorCode);
        Assert.Equal(422, (await Post($"/v1/missions/{mid}/runs", new { })).Status);
        Assert.Equal(422, (await Post($"/v1/missions/{mid}/runs", new { input = new { context = "no request" } })).Status);
        Assert.Equal(404, (await Post("/v1/missions/mis_nope/runs", new { input = new { original_request = "x" } })).Status);
        Assert.Equal(404, (await Get($"/v1/missions/{mid}/runs/run_nope")).Status);
        string other = Str((await Post("/v1/missions", new { name = "Other", instructions = "" }))["mission"]["id"]);
        Assert.Equal(404, (await Get($"/v1/missions/{other}/runs/{rid}")).Status); // a run belongs to its mission
    }

    [Fact]
    public async Task Plans_and_steps()
    {
        string mid = Str((await Post("/v1/missions", new { name = "M", instructions = "I" }))["mission"]["id"]);
        string rid = Str((await Post($"/v1/missions/{mid}/runs", new { input = new { original_request = "x" } }))["data"]["run_id"]);
        Assert.Equal(404, (await Get($"/v1/missions/{mid}/runs/{rid}/plan")).Status);

        Reply plan = await Post($"/v1/missions/{mid}/runs/{rid}/plan", new
        {
            steps = new object[]
            {
                new { step_id = "b", description = "Second", sequence = 2 },
                new { step_id = "a", description = "First", sequence = 1 },
            },
        });
        Assert.Equal(201, plan.Status);
        JsonArray steps = (await Get($"/v1/missions/{mid}/runs/{rid}/plan"))["data"]["steps"]!.AsArray();
        Assert.Equal(new[] { "a", "b" }, steps.Select(s => Str(s!["step_id"])));
        Assert.All(steps, s => Assert.Equal("pending", Str(s!["status"])));

        Reply step = await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/a", new { status = "in_progress" });
        Assert.Equal("in_progress", Str(step["data"]["status"]));
        Assert.Equal("First", Str(step["data"]["description"]));
        Assert.Equal(422, (await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/a", new { status = "done" })).Status);
        Assert.Equal(422, (await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/a", new { })).Status);
        Assert.Equal(404, (await Patch($"/v1/missions/{mid}/runs/{rid}/plan/steps/zzz", new { status = "completed" })).Status);
        Assert.Equal(422, (await Post($"/v1/missions/{mid}/runs/{rid}/plan", new { steps = new[] { new { step_id = "x" }, new { step_id = "x" } } })).Status);
        Assert.Equal(422, (await Post($"/v1/missions/{mid}/runs/{rid}/plan", new { steps = "nope" })).Status);
        Assert.Equal(422, (await Post($"/v1/missions/{mid}/runs/{rid}/plan", new { })).Status);
    }

    [Fact]
    public async Task Run_events_and_linked_agents()
    {
        (string mid, string rid) = await MissionRun();
        string path = $"/v1/missions/{mid}/runs/{rid}";
        Reply logged = await Post(path + "/events", new { type = "step_started", summary = "Calling", agent_id = "claude-code", step_id = "s1", payload = new { n = 1 } });
        Assert.Equal(201, logged.Status);
        Assert.Equal("claude-code", Str(logged["data"]["agent_id"]));
        await Post(path + "/events", new { type = "custom", summary = "Note" });
        JsonArray events = (await Get(path + "/events"))["data"].AsArray();
        Assert.Equal(new[] { "step_started", "custom" }, events.Select(e => Str(e!["type"])));
        Assert.Equal("s1", Str(events[0]!["step_id"]));
        Assert.Equal(1, events[0]!["payload"]!["n"]!.GetValue<int>());
        Assert.Equal(422, (await Post(path + "/events", new { type = "party", summary = "x" })).Status);
        Assert.Equal(422, (await Post(path + "/events", new { type = "custom" })).Status);

        Reply link = await Post(path + "/agents", new { telnyx_agent_id = "ast_1" });
        Assert.Equal(201, link.Status);
        Assert.Equal(200, (await Post(path + "/agents", new { telnyx_agent_id = "ast_1" })).Status); // linking twice is harmless
        Assert.Equal("ast_1", Str(Assert.Single((await Get(path + "/agents"))["data"].AsArray())!["telnyx_agent_id"]));
        Assert.Equal(422, (await Post(path + "/agents", new { })).Status);
        Reply unlink = await Delete(path + "/agents/ast_1");
        Assert.Equal(204, unlink.Status);
        Assert.Null(unlink.Json);
        Assert.Empty((await Get(path + "/agents"))["data"].AsArray());
        Assert.Equal(404, (await Delete(path + "/agents/ast_1")).Status);
    }

    [Fact]
    public async Task Insights_of_an_unknown_conversation_are_404()
    {
        Assert.Equal(404, (await Get("/v1/missions/conversations/conv_nope/insights")).Status);
    }
}
