using System;
using System.Linq;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class WebSocketTests : SandboxTests
{
    public WebSocketTests(SandboxFixture f) : base(f) { }

    /// <summary>The bridge request once the client has answered it.</summary>
    private Task<JsonNode> Answered(string requestId) => Until(async () =>
    {
        JsonNode r = (await Get($"/_sandbox/requests/{requestId}")).Json!;
        return r["answered"]!.GetValue<bool>() ? r : null;
    }, $"an answer to {requestId}");

    [Fact]
    public async Task Auth_ok_and_the_client_is_known()
    {
        using ClientWebSocket ws = await Connect(owner: "Ada", agent: "Claw");
        JsonNode status = (await Get("/_sandbox/ws")).Json!;
        Assert.True(status["connected"]!.GetValue<bool>());
        Assert.Equal("Ada", Str(status["owner_name"]));
        Assert.Equal("Claw", Str(status["agent_name"]));
        Assert.Equal(1, status["auth_count"]!.GetValue<int>());
        JsonNode auth = (await Get("/_sandbox/ws/frames"))["frames"][0]!["frame"]!;
        Assert.Equal("auth", Str(auth["type"]));
        Assert.Equal("[redacted]", Str(auth["api_key"]));
    }

    [Fact]
    public async Task A_wrong_key_gets_auth_error_and_a_close()
    {
        using ClientWebSocket ws = await Connect(key: "wrong", expectOk: false);
        JsonNode error = (await Receive(ws))!;
        Assert.Equal("auth_error", Str(error["type"]));
        Assert.False(string.IsNullOrEmpty(Str(error["message"])));
        Assert.Null(await Receive(ws));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        JsonNode status = (await Get("/_sandbox/ws")).Json!;
        Assert.False(status["connected"]!.GetValue<bool>());
        Assert.Equal(1, status["auth_failures"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_first_frame_must_be_auth()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{Server.BaseUri.Port}/ws"), CancellationToken.None);
        await SendFrame(ws, new { type = "ping" });
        Assert.Equal("auth_error", Str((await Receive(ws))!["type"]));
        Assert.Null(await Receive(ws));
    }

    [Fact]
    public async Task A_second_client_with_the_same_key_closes_the_first_with_4000()
    {
        using ClientWebSocket first = await Connect(owner: "one");
        using ClientWebSocket second = await Connect(owner: "two");
        Assert.Null(await Receive(first));
        Assert.Equal(4000, (int)first.CloseStatus!.Value);
        Assert.Equal("two", Str((await Get("/_sandbox/ws"))["owner_name"]));
        await SendFrame(second, new { type = "ping" });
        Assert.Equal("pong", Str((await Receive(second))!["type"]));
        Assert.Equal(2, (await Get("/_sandbox/ws"))["auth_count"].GetValue<int>());
    }

    [Fact]
    public async Task Inbound_call_with_a_deep_tool_request()
    {
        using ClientWebSocket ws = await Connect();
        Reply inbound = await Post("/_sandbox/calls/inbound", new { query = "What is on my calendar?", from = "+15551112222", started = true, hang_up_after = false });
        Assert.True(inbound["delivered"].GetValue<bool>());
        string callId = Str(inbound["call_id"]), requestId = Str(inbound["request_id"]);

        JsonNode started = (await Receive(ws))!;
        Assert.Equal("call.started", Str(started["event"]));
        Assert.Equal("inbound", Str(started["direction"]));
        Assert.Equal(callId, Str(started["call_id"]));
        JsonNode context = (await Receive(ws))!;
        Assert.Equal("event", Str(context["type"]));
        Assert.Equal("context_request", Str(context["event"]));
        JsonNode deep = (await Receive(ws))!;
        Assert.Equal("deep_tool_request", Str(deep["event"]));
        Assert.Equal(requestId, Str(deep["request_id"]));
        Assert.Equal("What is on my calendar?", Str(deep["query"]));
        Assert.Contains("+15551112222", Str(deep["context"]), StringComparison.Ordinal);

        await SendFrame(ws, new { type = "context_response", call_id = callId, context = new { memory = "m", system_prompt = "p" } });
        await SendFrame(ws, new { type = "response", call_id = callId, text = "Hey, what's up?" });
        await SendFrame(ws, new { type = "deep_tool_progress", request_id = requestId, text = "Checking" });
        JsonNode answered = await Until(async () =>
        {
            Reply r = await Get($"/_sandbox/requests/{requestId}");
            return r["progress"].AsArray().Count == 1 ? r.Json : null;
        }, "the progress frame");
        Assert.Null(answered["result"]);
        await SendFrame(ws, new { type = "deep_tool_result", request_id = requestId, text = "Two meetings" });
        JsonNode done = await Answered(requestId);
        Assert.Equal("Two meetings", Str(done["result"]));
        Assert.Equal("Checking", Str(done["progress"]![0]));

        JsonArray frames = (await Get($"/_sandbox/calls/{callId}/frames"))["frames"].AsArray();
        Assert.Equal(new[] { "context_response", "response", "deep_tool_progress", "deep_tool_result" }, frames.Select(f => Str(f!["type"])));
        Assert.Equal("p", Str(frames[0]!["context"]!["system_prompt"]));

        Assert.Equal("in-progress", Str((await Get($"/v1/calls/{callId}"))["status"]));
        Reply end = await Post($"/_sandbox/calls/{callId}/end", new { outcome = "completed", reason = "caller_hung_up", duration_seconds = 42 });
        Assert.True(end["delivered"].GetValue<bool>());
        JsonNode ended = (await Receive(ws))!;
        Assert.Equal("call.ended", Str(ended["event"]));
        Assert.Equal("caller_hung_up", Str(ended["reason"]));
        Assert.Equal(42, ended["duration_seconds"]!.GetValue<int>());
        Assert.Equal("inbound", Str(ended["direction"]));
        foreach (string field in new[] { "to_number", "purpose", "greeting", "voicemail_message", "outcome" }) Assert.True(((JsonObject)ended).ContainsKey(field), field);
        Assert.Equal("completed", Str((await Get($"/v1/calls/{callId}"))["status"]));
    }

    [Fact]
    public async Task A_simulated_caller_hangs_up_a_while_after_the_agent_last_spoke()
    {
        using ClientWebSocket ws = await Connect();
        string callId = Str((await Post("/_sandbox/calls/inbound", new { query = "Is the shop open?", started = true, hang_up_after = 120 }))["call_id"]);
        string requestId = "";
        while (requestId.Length == 0)
        {
            JsonNode f = (await Receive(ws))!;
            if (Str(f["event"]) == "deep_tool_request") requestId = Str(f["request_id"]);
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await SendFrame(ws, new { type = "deep_tool_result", request_id = requestId, text = "Open till six." });
        JsonNode ended = (await Receive(ws))!;
        watch.Stop();
        Assert.Equal("call.ended", Str(ended["event"]));
        Assert.Equal(callId, Str(ended["call_id"]));
        Assert.Equal("inbound", Str(ended["direction"]));
        Assert.Equal("hangup", Str(ended["reason"]));
        Assert.True(watch.Elapsed.TotalSeconds >= 120 / SandboxFixture.Scale * 0.9, $"hung up after {watch.Elapsed.TotalSeconds:0.###} s");
        JsonNode call = (await Get($"/v1/calls/{callId}")).Json!;
        Assert.Equal("completed", Str(call["status"]));
        Assert.InRange(call["duration_seconds"]!.GetValue<int>(), 120, 120 + 5 * (int)SandboxFixture.Scale);
        Assert.Equal(400, (await Post("/_sandbox/calls/inbound", new { hang_up_after = -1 })).Status); // control endpoints: bad input is a 400
    }

    [Fact]
    public async Task Inbound_call_without_a_query_only_asks_for_context()
    {
        using ClientWebSocket ws = await Connect();
        Reply inbound = await Post("/_sandbox/calls/inbound", new { });
        Assert.Null(inbound.Json!["request_id"]);
        Assert.Equal("context_request", Str((await Receive(ws))!["event"]));
        await SendFrame(ws, new { type = "ping" });
        Assert.Equal("pong", Str((await Receive(ws))!["type"])); // nothing else was queued in between
    }

    [Fact]
    public async Task Sms_walkie_and_approval_events()
    {
        using ClientWebSocket ws = await Connect();
        string messageId = Str((await Post("/_sandbox/sms/inbound", new { from = "+15553334444", body = "Are you there?" }))["message_id"]);
        JsonNode sms = (await Receive(ws))!;
        Assert.Equal("sms.received", Str(sms["event"]));
        Assert.Equal("+15553334444", Str(sms["from"]));
        Assert.Equal("Are you there?", Str(sms["body"]));
        Assert.Equal(messageId, Str(sms["message_id"]));

        string walkieId = Str((await Post("/_sandbox/walkie", new { transcript = "Status report", session_key = "agent:ops:main" }))["request_id"]);
        JsonNode walkie = (await Receive(ws))!;
        Assert.Equal("walkie_request", Str(walkie["event"]));
        Assert.Equal("Status report", Str(walkie["transcript"]));
        Assert.Equal("agent:ops:main", Str(walkie["session_key"]));
        await SendFrame(ws, new { type = "walkie_response", request_id = walkieId, reply = "All green", error = (string?)null });
        JsonNode answer = await Answered(walkieId);
        Assert.Equal("All green", Str(answer["result"]));
        Assert.Equal("walkie", Str(answer["kind"]));

        string approval = Str((await Post("/v1/approvals", new { action = "Deploy", require_biometric = false, expires_in = 3600 }))["request_id"]);
        Assert.True((await Post($"/_sandbox/approvals/{approval}/respond", new { decision = "denied" }))["delivered"].GetValue<bool>());
        JsonNode responded = (await Receive(ws))!;
        Assert.Equal("approval.responded", Str(responded["event"]));
        Assert.Equal(approval, Str(responded["request_id"]));
        Assert.Equal("denied", Str(responded["decision"]));
        Assert.Equal(404, (await Get("/_sandbox/requests/req_nope")).Status);
    }

    [Fact]
    public async Task A_direct_call_reports_start_and_end()
    {
        using ClientWebSocket ws = await Connect();
        string id = Str((await Post("/v1/calls", new { to = "+15551230003", greeting = "Hi, it's me", context = new { purpose = "reminder" } }))["call_id"]);
        JsonNode started = (await Receive(ws))!;
        Assert.Equal("call.started", Str(started["event"]));
        Assert.Equal("outbound", Str(started["direction"]));
        JsonNode ended = (await Receive(ws))!;
        Assert.Equal("call.ended", Str(ended["event"]));
        Assert.Equal(id, Str(ended["call_id"]));
        Assert.Equal("voicemail", Str(ended["outcome"]));
        Assert.Equal("+15551230003", Str(ended["to_number"]));
        Assert.Equal("reminder", Str(ended["purpose"]));
        Assert.Equal("Hi, it's me", Str(ended["voicemail_message"]));
    }

    [Fact]
    public async Task Drop_closes_with_the_given_code()
    {
        using ClientWebSocket ws = await Connect();
        Assert.True((await Post("/_sandbox/ws/drop", new { code = 4001 }))["dropped"].GetValue<bool>());
        Assert.Null(await Receive(ws));
        Assert.Equal(4001, (int)ws.CloseStatus!.Value);

        using ClientWebSocket again = await Connect();
        await Post("/_sandbox/ws/drop");
        Assert.Null(await Receive(again));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, again.CloseStatus);

        using ClientWebSocket third = await Connect();
        await Post("/_sandbox/ws/drop", new { abort = true });
        await Assert.ThrowsAnyAsync<WebSocketException>(() => Receive(third));
        Assert.False((await Post("/_sandbox/ws/drop"))["dropped"].GetValue<bool>());
        Assert.False((await Post("/_sandbox/sms/inbound", new { from = "+15553334444", body = "x" }))["delivered"].GetValue<bool>());
    }
}
