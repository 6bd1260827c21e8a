using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class FaultTests : SandboxTests
{
    public FaultTests(SandboxFixture f) : base(f) { }

    private async Task<JsonArray> Log() => (await Get("/_sandbox/log"))["requests"].AsArray();

    private async Task<int> MissionCount()
    {
        await Post("/_sandbox/faults", new { rate = 0 });
        return (await Get("/v1/missions"))["missions"].AsArray().Count;
    }

    [Fact]
    public async Task Fault_429_has_retry_after_and_changes_nothing()
    {
        await Post("/_sandbox/faults", new { rate = 1, faults = new[] { "429" } });
        Reply r = await Post("/v1/missions", new { name = "x" });
        Assert.Equal(429, r.Status);
        Assert.Equal("1", r.Raw.Headers.GetValues("Retry-After").Single());
        JsonNode entry = (await Log()).Single()!;
        Assert.Equal("429", Str(entry["fault"]));
        Assert.False(entry["applied"]!.GetValue<bool>());
        Assert.Equal(0, await MissionCount());
    }

    [Fact]
    public async Task Fault_503_changes_nothing()
    {
        await Post("/_sandbox/faults", new { rate = 1, faults = "503" });
        Reply r = await Post("/v1/missions", new { name = "x" });
        Assert.Equal(503, r.Status);
        Assert.Equal("service_unavailable", r.ErrorCode);
        Assert.Equal(0, await MissionCount());
    }

    [Fact]
    public async Task Resets_alternate_before_and_after_applying_the_request()
    {
        await Post("/_sandbox/faults", new { rate = 1, faults = new[] { "reset" } });
        await Assert.ThrowsAsync<HttpRequestException>(() => Post("/v1/missions", new { name = "first" }));
        await Assert.ThrowsAsync<HttpRequestException>(() => Post("/v1/missions", new { name = "second" }));
        JsonArray log = await Log();
        Assert.Equal(new[] { "reset", "reset" }, log.Select(e => Str(e!["fault"])));
        Assert.Equal(new[] { false, true }, log.Select(e => e!["applied"]!.GetValue<bool>()));
        Assert.Equal(201, log[1]!["status"]!.GetValue<int>()); // what the server did, though the client never saw it
        await Post("/_sandbox/faults", new { rate = 0 });
        JsonNode only = Assert.Single((await Get("/v1/missions"))["missions"].AsArray())!;
        Assert.Equal("second", Str(only["name"]));
    }

    [Fact]
    public async Task Stall_delays_then_answers()
    {
        await Post("/_sandbox/faults", new { rate = 1, faults = new[] { "stall" }, stall_seconds = 0.3 });
        var sw = Stopwatch.StartNew();
        Reply r = await Post("/v1/missions", new { name = "slow" });
        Assert.Equal(201, r.Status);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.29), $"answered after {sw.Elapsed}");
        Assert.Equal("stall", Str((await Log()).Single()!["fault"]));
    }

    [Fact]
    public async Task The_draw_is_seeded_and_repeats_after_reset()
    {
        async Task<List<string>> Draw()
        {
            await Post("/_sandbox/reset", new { rate = 0.5, faults = new[] { "429", "503", "stall" }, stall_seconds = 0, seed = 7 });
            for (int i = 0; i < 20; i++) await Get("/v1/missions");
            return (await Log()).Select(e => e!["fault"]?.GetValue<string>() ?? "-").ToList();
        }
        List<string> first = await Draw();
        List<string> second = await Draw();
        Assert.Equal(first, second);
        Assert.InRange(first.Count(f => f != "-"), 3, 17);
        Assert.Equal(7, (await Get("/_sandbox/faults"))["seed"]!.GetValue<int>());
    }

    [Fact]
    public async Task Control_endpoints_and_websocket_are_never_faulted()
    {
        await Post("/_sandbox/faults", new { rate = 1, faults = new[] { "503" } });
        for (int i = 0; i < 5; i++) Assert.Equal(200, (await Get("/_sandbox/ws")).Status);
        using var ws = await Connect();
        Assert.Equal(503, (await Get("/v1/missions")).Status);
        Assert.DoesNotContain(await Log(), e => Str(e!["path"]) == "/ws" && e["fault"] is not null);
    }

    [Fact]
    public async Task Rate_limit_answers_429_per_key()
    {
        await Post("/_sandbox/faults", new { rate_limit = 5 });
        var statuses = new List<Reply>();
        for (int i = 0; i < 12; i++) statuses.Add(await Get("/v1/missions"));
        Reply limited = statuses.First(r => r.Status == 429);
        Assert.True(int.Parse(limited.Raw.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.InRange(statuses.Count(r => r.Status == 200), 5, 8);
        Assert.Contains(await Log(), e => e!["fault"]?.GetValue<string>() == "rate_limit");
        Assert.Equal(401, (await Get("/v1/missions", key: "other")).Status); // an unknown key is refused before the limiter
    }

    [Fact]
    public async Task Fault_settings_are_validated()
    {
        Assert.Equal(400, (await Post("/_sandbox/faults", new { rate = 2 })).Status);
        Assert.Equal(400, (await Post("/_sandbox/faults", new { faults = new[] { "fire" } })).Status);
        Assert.Equal(400, (await Post("/_sandbox/faults", "{bad")).Status);
        JsonNode now = (await Post("/_sandbox/faults", new { rate = 0.25, faults = "429,reset" })).Json!;
        Assert.Equal(0.25, now["rate"]!.GetValue<double>());
        Assert.Equal(new[] { "429", "reset" }, now["faults"]!.AsArray().Select(f => Str(f)));
    }

    [Fact]
    public async Task Start_options_set_the_faults()
    {
        await using SandboxServer faulty = await SandboxServer.StartAsync(new SandboxOptions { FaultRate = 1, Faults = new[] { "503" }, NoGateway = true });
        Assert.Null(faulty.GatewayUri);
        Assert.Equal(503, (await Send(HttpMethod.Get, "/v1/missions", null, baseUri: faulty.BaseUri)).Status);
        Reply cfg = await Send(HttpMethod.Get, "/_sandbox/faults", null, baseUri: faulty.BaseUri);
        Assert.Equal(1, cfg["rate"].GetValue<double>());
    }
}
