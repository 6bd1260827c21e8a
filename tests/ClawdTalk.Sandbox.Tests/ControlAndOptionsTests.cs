using System;
using System.Globalization;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class ControlAndOptionsTests : SandboxTests
{
    public ControlAndOptionsTests(SandboxFixture f) : base(f) { }

    [Fact]
    public async Task The_log_records_every_request_in_order()
    {
        await Post("/v1/missions", new { name = "logged" });
        await Get("/v1/missions?page[size]=3");
        await Get("/v1/missions", key: "bad");
        await Get("/_sandbox/ws"); // control requests are not logged
        JsonArray log = (await Get("/_sandbox/log"))["requests"].AsArray();
        Assert.Equal(new long[] { 1, 2, 3 }, log.Select(e => e!["seq"]!.GetValue<long>()));
        JsonNode post = log[0]!;
        Assert.Equal("POST", Str(post["method"]));
        Assert.Equal("/v1/missions", Str(post["path"]));
        Assert.Equal(201, post["status"]!.GetValue<int>());
        Assert.True(post["applied"]!.GetValue<bool>());
        Assert.Null(post["fault"]);
        Assert.Equal("logged", Str(JsonNode.Parse(Str(post["body"]))!["name"]));
        Assert.Equal("page[size]=3", Str(log[1]!["query"]));
        Assert.Null(log[1]!["body"]);
        Assert.Equal(401, log[2]!["status"]!.GetValue<int>());
        Assert.False(log[2]!["applied"]!.GetValue<bool>());
        Assert.Single((await Get("/_sandbox/log?since=2"))["requests"].AsArray());
    }

    [Fact]
    public async Task The_clock_runs_at_the_time_scale_and_dates_every_answer()
    {
        // the watch starts before the first request and stops after the second answer, so both readings sit inside it
        var watch = System.Diagnostics.Stopwatch.StartNew();
        JsonNode first = (await Get("/_sandbox/clock")).Json!;
        Assert.Equal(SandboxFixture.Scale, first["time_scale"]!.GetValue<double>());
        await Task.Delay(200);
        JsonNode second = (await Get("/_sandbox/clock")).Json!;
        watch.Stop();
        double sandboxSeconds = (DateTimeOffset.Parse(Str(second["now"]), CultureInfo.InvariantCulture) - DateTimeOffset.Parse(Str(first["now"]), CultureInfo.InvariantCulture)).TotalSeconds;
        // between the two readings the sandbox's clock ran Scale times the real time: at least the delay between them, at
        // most the watch plus one millisecond (the sandbox reads its monotonic clock in whole milliseconds)
        Assert.InRange(sandboxSeconds, 0.2 * SandboxFixture.Scale * 0.9, (watch.Elapsed.TotalSeconds + 0.001) * SandboxFixture.Scale);
        Reply answer = await Get("/v1/missions");
        Assert.Equal(SandboxFixture.Scale.ToString("R", CultureInfo.InvariantCulture), answer.Raw.Headers.GetValues("X-ClawdTalk-Sandbox-Time-Scale").Single());
        Assert.InRange(answer.Raw.Headers.Date!.Value, Server.Now.AddSeconds(-2 - 0.5 * SandboxFixture.Scale), Server.Now.AddSeconds(1));
        // a reset starts it again from the real time
        await Post("/_sandbox/reset", new { });
        Assert.InRange(Server.Now, DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(0.5 * SandboxFixture.Scale));
    }

    [Fact]
    public async Task Reset_restores_the_seed()
    {
        await Post("/v1/missions", new { name = "gone" });
        await Post("/_sandbox/numbers", new { count = 3 });
        await Post("/_sandbox/gateway", new { mode = "accepted" });
        await Post("/_sandbox/faults", new { rate_limit = 100 });
        JsonNode reset = (await Post("/_sandbox/reset")).Json!;
        Assert.True(reset["ok"]!.GetValue<bool>());
        Assert.Equal(100, reset["faults"]!["rate_limit"]!.GetValue<double>()); // faults are kept unless given
        Assert.Empty((await Get("/v1/missions"))["missions"].AsArray());
        Assert.Equal(3, (await Get("/v1/numbers/account-phones"))["data"].AsArray().Count);
        Assert.Equal("details", Str((await Get("/_sandbox/gateway"))["mode"]));
        Assert.Equal("mis_000001", Str((await Post("/v1/missions", new { name = "again" }))["mission"]["id"]));
        Assert.Equal(3, (await Get("/_sandbox/log"))["requests"].AsArray().Count); // the three /v1 requests since the reset
        Assert.Equal(404, (await Get("/_sandbox/nothing")).Status);
    }

    [Fact]
    public async Task Stats_report_memory_and_counts()
    {
        JsonNode stats = (await Get("/_sandbox/stats")).Json!;
        Assert.True(stats["gc_heap_bytes"]!.GetValue<long>() > 0);
        Assert.True(stats["working_set_bytes"]!.GetValue<long>() > 0);
        Assert.Equal(0, stats["scheduled_events"]!.GetValue<int>());
    }

    [Fact]
    public void Parse_reads_every_flag()
    {
        SandboxOptions o = SandboxOptions.Parse(new[]
        {
            "--port", "5000", "--api-key", "k", "--time-scale=60", "--fault-rate", "0.5", "--faults", "429,stall", "--seed", "9",
            "--gateway-port", "5001", "--no-gateway", "--gateway-token", "t", "--rate-limit", "10", "--stall-seconds", "0.5",
        });
        Assert.Equal(5000, o.Port);
        Assert.Equal("k", o.ApiKey);
        Assert.Equal(60, o.TimeScale);
        Assert.Equal(0.5, o.FaultRate);
        Assert.Equal(new[] { "429", "stall" }, o.Faults);
        Assert.Equal(9, o.Seed);
        Assert.Equal(5001, o.GatewayPort);
        Assert.True(o.NoGateway);
        Assert.Equal("t", o.GatewayToken);
        Assert.Equal(10, o.RateLimit);
        Assert.Equal(0.5, o.StallSeconds);
        Assert.True(o.Quiet);
        SandboxOptions d = SandboxOptions.Parse(Array.Empty<string>());
        Assert.Equal(("sandbox", 1.0, 0.0, 1, 5.0), (d.ApiKey, d.TimeScale, d.FaultRate, d.Seed, d.StallSeconds));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "http")]
    [InlineData("--port", "70000")]
    [InlineData("--time-scale", "0")]
    [InlineData("--fault-rate", "1.5")]
    [InlineData("--faults", "429,fire")]
    [InlineData("--seed")]
    [InlineData("--no-gateway=yes")]
    public void Parse_rejects_bad_flags(params string[] args) => Assert.Throws<ArgumentException>(() => SandboxOptions.Parse(args));

    [Fact]
    public async Task The_command_line_prints_both_addresses_and_bad_flags_exit_2()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ClawdTalk.Sandbox.dll");
        using (Process bad = Start(dll, "--fault-rate 7"))
        {
            string err = await bad.StandardError.ReadToEndAsync();
            await bad.WaitForExitAsync();
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("--fault-rate", err, StringComparison.Ordinal);
        }

        using Process p = Start(dll, "--port 0 --gateway-port 0 --time-scale 60");
        try
        {
            string? first = await p.StandardOutput.ReadLineAsync();
            string? second = await p.StandardOutput.ReadLineAsync();
            Assert.Matches(@"^ClawdTalk sandbox listening on http://127\.0\.0\.1:\d+$", first);
            Assert.Matches(@"^Simulated gateway listening on http://127\.0\.0\.1:\d+$", second);
            string? third = await p.StandardOutput.ReadLineAsync();
            Assert.Equal("Dashboard: " + first!["ClawdTalk sandbox listening on ".Length..] + "/", third);
            Reply r = await Send(System.Net.Http.HttpMethod.Get, "/v1/missions", null, baseUri: new Uri(first!["ClawdTalk sandbox listening on ".Length..]));
            Assert.Equal(200, r.Status);
        }
        finally
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
    }

    private static Process Start(string dll, string args) => Process.Start(new ProcessStartInfo("dotnet", $"\"{dll}\" {args}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    })!;
}
