using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class AssistantApiTests : SandboxTests
{
    public AssistantApiTests(SandboxFixture f) : base(f) { }

    [Fact]
    public async Task Assistants_get_the_contract_defaults()
    {
        Reply created = await Post("/v1/assistants", new { name = "Caller", instructions = "Be brief" });
        Assert.Equal(201, created.Status);
        JsonNode a = created["assistant"];
        Assert.Equal("openai/gpt-4o", Str(a["model"]));
        Assert.Equal("Rime.ArcanaV3.astra", Str(a["voice"]));
        Assert.Equal("", Str(a["greeting"]));
        Assert.Equal(new[] { "telephony", "messaging" }, a["enabled_features"]!.AsArray().Select(f => Str(f)));
        Assert.Equal(new[] { "hangup", "send_dtmf" }, a["tools"]!.AsArray().Select(t => Str(t!["type"])));
        Assert.NotNull(a["tools"]![0]!["hangup"]!["description"]);

        string id = Str(a["id"]);
        Assert.Equal("Caller", Str((await Get($"/v1/assistants/{id}"))["assistant"]["name"]));
        Assert.Equal(404, (await Get("/v1/assistants/ast_nope")).Status);
    }

    [Fact]
    public async Task Assistants_are_updated_and_validated()
    {
        string id = await Assistant();
        Reply patched = await Patch($"/v1/assistants/{id}", new { greeting = "Hello", enabled_features = new[] { "telephony" }, description = "d" });
        Assert.Equal("Hello", Str(patched["assistant"]["greeting"]));
        Assert.Equal("d", Str(patched["assistant"]["description"]));
        Assert.Equal("Caller", Str(patched["assistant"]["name"]));
        Assert.Equal(422, (await Patch($"/v1/assistants/{id}", new { enabled_features = new[] { "fax" } })).Status);
        Assert.Equal(422, (await Patch($"/v1/assistants/{id}", new { tools = new[] { new { type = "teleport" } } })).Status);
        Assert.Equal("Hello", Str((await Get($"/v1/assistants/{id}"))["assistant"]["greeting"])); // a rejected patch changed nothing
        Assert.Equal(422, (await Post("/v1/assistants", new { model = "x" })).Status);
        Assert.Equal(404, (await Patch("/v1/assistants/ast_nope", new { name = "x" })).Status);
        Reply custom = await Post("/v1/assistants", new { name = "W", tools = new[] { new { type = "webhook" } } });
        Assert.Equal("webhook", Str(Assert.Single(custom["assistant"]["tools"]!.AsArray())!["type"]));
    }

    [Fact]
    public async Task Assistant_list_pages_and_filters()
    {
        foreach (string n in new[] { "Alpha caller", "Beta", "alpha two", "Gamma", "Delta" }) await Assistant(n);
        Reply page = await Get("/v1/assistants?pageSize=2&page=2");
        Assert.Equal(new[] { "alpha two", "Gamma" }, page["assistants"].AsArray().Select(a => Str(a!["name"])));
        Assert.Equal(5, page["meta"]["total_results"]!.GetValue<int>());
        Assert.Equal(3, page["meta"]["total_pages"]!.GetValue<int>());
        Reply filtered = await Get("/v1/assistants?name=ALPHA");
        Assert.Equal(2, filtered["meta"]["total_results"]!.GetValue<int>());
        Assert.Equal(1, filtered["meta"]["total_pages"]!.GetValue<int>());
        Assert.Empty((await Get("/v1/assistants?page=9"))["assistants"].AsArray());
        Assert.Equal(422, (await Get("/v1/assistants?pageSize=0")).Status);
    }

    [Fact]
    public async Task Connection_ids_exist_per_enabled_feature()
    {
        string id = await Assistant();
        string tel = Str((await Get($"/v1/assistants/{id}/connection-id?feature=telephony"))["connection_id"]);
        string msg = Str((await Get($"/v1/assistants/{id}/connection-id?feature=messaging"))["connection_id"]);
        Assert.NotEqual(tel, msg);
        await Patch($"/v1/assistants/{id}", new { enabled_features = new[] { "telephony" } });
        Reply none = await Get($"/v1/assistants/{id}/connection-id?feature=messaging");
        Assert.Equal(200, none.Status);
        Assert.Null(none.Json!["connection_id"]);
        Assert.Equal(tel, Str((await Get($"/v1/assistants/{id}/connection-id?feature=telephony"))["connection_id"]));
        Assert.Equal(422, (await Get($"/v1/assistants/{id}/connection-id?feature=fax")).Status);
        Assert.Equal(404, (await Get("/v1/assistants/ast_nope/connection-id?feature=telephony")).Status);
    }

    [Fact]
    public async Task Every_v1_answer_says_the_time_scale_and_the_seeded_numbers_are_valid_E164()
    {
        foreach (Reply r in new[] { await Get("/v1/numbers/account-phones"), await Get("/v1/missions/mis_nope"), await Get("/v1/numbers/account-phones", key: "wrong") })
            Assert.Equal("600", string.Join(",", r.Raw.Headers.GetValues("X-ClawdTalk-Sandbox-Time-Scale")));
        Assert.False((await Post("/_sandbox/reset", new { })).Raw.Headers.Contains("X-ClawdTalk-Sandbox-Time-Scale"));
        foreach (JsonNode? p in (await Get("/v1/numbers/account-phones"))["data"].AsArray())
            Assert.Matches(@"^\+121255501\d\d$", Str(p!["phone_number"]));
    }

    [Fact]
    public async Task Account_phones_seed_available_and_assign()
    {
        JsonArray phones = (await Get("/v1/numbers/account-phones"))["data"].AsArray();
        Assert.Equal(3, phones.Count);
        Assert.Equal(2, phones.Count(p => p!["connection_id"] is not null));
        JsonNode free = (await Get("/v1/numbers/account-phones/available"))["phone"];
        string pid = Str(free["id"]);
        Assert.Equal("+12125550103", Str(free["phone_number"]));

        Reply assigned = await Patch($"/v1/numbers/account-phones/{pid}", new { connection_id = "conn_x", type = "voice" });
        Assert.Equal("conn_x", Str(assigned["data"]["connection_id"]));
        // 2.0.6: the dedicated number stays the one outbound calls come from, assigned or not
        Assert.Equal(pid, Str((await Get("/v1/numbers/account-phones/available"))["phone"]["id"]));

        JsonArray added = (await Post("/_sandbox/numbers", new { count = 2 }))["added"].AsArray();
        Assert.Equal(2, added.Count);
        Assert.Equal("+12125550104", Str(added[0]!["phone_number"]));
        Assert.Equal(pid, Str((await Get("/v1/numbers/account-phones/available"))["phone"]["id"]));
        Assert.Equal(5, (await Get("/v1/numbers/account-phones"))["data"].AsArray().Count);
        // the free plan has no dedicated number
        await Post("/_sandbox/account", new { plan = "free" });
        Reply none = await Get("/v1/numbers/account-phones/available");
        Assert.Equal(200, none.Status);
        Assert.Null(none.Json!["phone"]);
        await Post("/_sandbox/account", new { plan = "paid" });

        Assert.Equal(422, (await Patch($"/v1/numbers/account-phones/{pid}", new { connection_id = "c", type = "fax" })).Status);
        Assert.Equal(422, (await Patch($"/v1/numbers/account-phones/{pid}", new { type = "sms" })).Status);
        Assert.Equal(404, (await Patch("/v1/numbers/account-phones/ph_nope", new { connection_id = "c", type = "sms" })).Status);
    }
}
