using System.Diagnostics;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class GatewayTests : SandboxTests
{
    private const string Token = "sandbox-gateway-token";
    private const string VoiceMessage = "[VOICE CALL] Respond concisely for speech. Keep it short.\nWhat's the weather in Paris?";
    private const string Reply = "Sandbox agent reply to: What's the weather in Paris?";

    public GatewayTests(SandboxFixture f) : base(f) { }

    private Task<Reply> Invoke(string message = VoiceMessage, double timeout = 90, string? token = Token, string tool = "sessions_send") =>
        Send(HttpMethod.Post, "/tools/invoke", new { tool, args = new { sessionKey = "agent:main:main", message, timeoutSeconds = timeout } }, token, Server.GatewayUri);

    [Fact]
    public async Task Default_reply_is_in_details()
    {
        Reply r = await Invoke();
        Assert.Equal(200, r.Status);
        Assert.Equal(Reply, Str(r["result"]["details"]!["reply"]));
        JsonNode entry = (await Get("/_sandbox/gateway/log"))["calls"][0]!;
        Assert.Equal("agent:main:main", Str(entry["session_key"]));
        Assert.Equal(VoiceMessage, Str(entry["message"]));
        Assert.Equal(90, entry["timeout_seconds"]!.GetValue<double>());
        Assert.Equal("sessions_send", Str(entry["tool"]));
        Assert.Equal(200, entry["status"]!.GetValue<int>());
        Assert.NotNull(entry["time"]);
    }

    [Fact]
    public async Task The_reply_quotes_at_most_80_characters_after_the_prefix()
    {
        string text = new string('x', 100);
        Assert.Equal("Sandbox agent reply to: " + new string('x', 80), Str((await Invoke("[SMS from +15551234567] " + text))["result"]["details"]!["reply"]));
        Assert.Equal("Sandbox agent reply to: plain", Str((await Invoke("plain"))["result"]["details"]!["reply"]));
    }

    [Fact]
    public async Task Content_json_and_content_text_modes()
    {
        await Post("/_sandbox/gateway", new { mode = "content_json" });
        JsonNode content = (await Invoke())["result"]["content"]![0]!;
        Assert.Equal("text", Str(content["type"]));
        Assert.Equal(Reply, Str(JsonNode.Parse(Str(content["text"]))!["reply"]));

        await Post("/_sandbox/gateway", new { mode = "content_text" });
        Assert.Equal(Reply, Str((await Invoke())["result"]["content"]![0]!["text"]));
    }

    [Fact]
    public async Task Accepted_mode_and_fire_and_forget_have_no_reply()
    {
        Reply fireAndForget = await Invoke("[ClawdTalk] Call to +15551230007 completed", timeout: 0);
        Assert.Equal("accepted", Str(fireAndForget["result"]["details"]!["status"]));
        Assert.Null(fireAndForget["result"]["details"]!["reply"]);

        Assert.Equal("accepted", Str((await Post("/_sandbox/gateway", new { mode = "accepted" }))["mode"]));
        Reply accepted = await Invoke();
        Assert.Equal("accepted", Str(accepted["result"]["details"]!["status"]));
    }

    [Fact]
    public async Task Not_allowed_error_and_unknown_tools()
    {
        await Post("/_sandbox/gateway", new { mode = "not_allowed" });
        Assert.Equal(404, (await Invoke()).Status);
        await Post("/_sandbox/gateway", new { mode = "error" });
        Assert.Equal(500, (await Invoke()).Status);
        await Post("/_sandbox/gateway", new { mode = "details" });
        Assert.Equal(404, (await Invoke(tool: "exec")).Status);
        Assert.Equal(400, (await Post("/_sandbox/gateway", new { mode = "sideways" })).Status);
    }

    [Fact]
    public async Task The_token_is_required()
    {
        Reply r = await Invoke(token: "wrong");
        Assert.Equal(401, r.Status);
        Assert.Equal(401, (await Invoke(token: null)).Status);
        Assert.False((await Get("/_sandbox/gateway/log"))["calls"][0]!["authorized"]!.GetValue<bool>());
        Assert.Equal(404, (await Send(HttpMethod.Get, "/v1/missions", null, baseUri: Server.GatewayUri)).Status); // the gateway port serves only the gateway
    }

    [Fact]
    public async Task Delay_holds_the_answer()
    {
        Assert.Equal(250, (await Post("/_sandbox/gateway", new { delay_ms = 250 }))["delay_ms"].GetValue<int>());
        var sw = Stopwatch.StartNew();
        Assert.Equal(200, (await Invoke()).Status);
        Assert.True(sw.ElapsedMilliseconds >= 240, $"answered after {sw.ElapsedMilliseconds} ms");
    }
}
