using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

/// <summary>One sandbox per test class (time scale 600: a minute passes in 0.1 s), reset before each test.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public const double Scale = 600;

    public SandboxServer Server { get; private set; } = null!;
    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { TimeScale = Scale });

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>A response: status, parsed JSON body (null when empty or not JSON) and headers.</summary>
public sealed record Reply(int Status, JsonNode? Json, HttpResponseMessage Raw)
{
    public JsonNode this[string name] => Json?[name] ?? throw new Xunit.Sdk.XunitException($"no '{name}' in {Json?.ToJsonString() ?? "(empty)"}");

    public string ErrorCode => Json?["error"]?["code"]?.GetValue<string>() ?? "";
}

/// <summary>Base of the test classes: HTTP and WebSocket helpers over the class's sandbox.</summary>
public abstract class SandboxTests : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    protected SandboxTests(SandboxFixture fixture) => F = fixture;

    protected SandboxFixture F { get; }
    protected SandboxServer Server => F.Server;

    public virtual Task InitializeAsync() => Post("/_sandbox/reset", new { rate = 0, rate_limit = 0 });

    public Task DisposeAsync() => Task.CompletedTask;

    // ---- HTTP ----

    protected Task<Reply> Get(string path, string? key = "sandbox") => Send(HttpMethod.Get, path, null, key);
    protected Task<Reply> Post(string path, object? body = null, string? key = "sandbox") => Send(HttpMethod.Post, path, body, key);
    protected Task<Reply> Patch(string path, object? body, string? key = "sandbox") => Send(HttpMethod.Patch, path, body, key);
    protected Task<Reply> Delete(string path, string? key = "sandbox") => Send(HttpMethod.Delete, path, null, key);

    /// <summary>Sends to <c>BaseUri + path</c>; a string body goes as is, anything else as JSON.</summary>
    protected async Task<Reply> Send(HttpMethod method, string path, object? body, string? key = "sandbox", Uri? baseUri = null)
    {
        using var request = new HttpRequestMessage(method, new Uri((baseUri ?? Server.BaseUri).ToString().TrimEnd('/') + path));
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        HttpResponseMessage response = await F.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            if (text.Length > 0) json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }
        return new Reply((int)response.StatusCode, json, response);
    }

    protected static string Str(JsonNode? n) => n?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("expected a string, got null");

    /// <summary>Polls <paramref name="probe"/> until it returns non-null (deadline 10 s).</summary>
    protected static async Task<T> Until<T>(Func<Task<T?>> probe, string what, double seconds = 10) where T : class
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            T? value = await probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            await Task.Delay(15);
        }
    }

    // ---- mission fixtures ----

    /// <summary>
    /// <paramref name="seconds"/> after the request can arrive, on the sandbox's clock (it runs <see cref="SandboxFixture.Scale"/>
    /// times faster than real time): now plus what half a real second is at that scale, so a loaded machine still sends it
    /// a minute ahead when it asks for 61 s.
    /// </summary>
    protected string In(double seconds, SandboxServer? server = null)
    {
        SandboxServer s = server ?? Server;
        return Iso(s.Now.AddSeconds(seconds + 0.5 * s.Options.TimeScale));
    }

    /// <summary>Exactly <paramref name="seconds"/> from now on the sandbox's clock, with no allowance for the request's way there.</summary>
    protected string FromNow(double seconds) => Iso(Server.Now.AddSeconds(seconds));

    protected static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A mission, a run and a plan with steps s1..sN; returns (mission id, run id).</summary>
    protected async Task<(string Mid, string Rid)> MissionRun(int steps = 2)
    {
        string mid = Str((await Post("/v1/missions", new { name = "Test mission", instructions = "Do it" }))["mission"]["id"]);
        string rid = Str((await Post($"/v1/missions/{mid}/runs", new { input = new { original_request = "test" } }))["data"]["run_id"]);
        var list = new object[steps];
        for (int i = 0; i < steps; i++) list[i] = new { step_id = $"s{i + 1}", description = $"Step {i + 1}", sequence = i + 1 };
        Assert.Equal(201, (await Post($"/v1/missions/{mid}/runs/{rid}/plan", new { steps = list })).Status);
        return (mid, rid);
    }

    protected async Task<string> Assistant(string name = "Caller") => Str((await Post("/v1/assistants", new { name }))["assistant"]["id"]);

    protected async Task<JsonNode> ScheduleCall(string aid, string to, string mid, string rid, string? step = null, double ahead = 61)
    {
        Reply r = await Post($"/v1/assistants/{aid}/events", new
        {
            channel = "call", to, from = "+12125550103", scheduled_at = In(ahead), mission_id = mid, run_id = rid, step_id = step,
        });
        Assert.Equal(201, r.Status);
        return r["event"];
    }

    /// <summary>Waits until the event's status is completed or failed and returns it.</summary>
    protected Task<JsonNode> Terminal(string aid, string eid) => Until(async () =>
    {
        JsonNode ev = (await Get($"/v1/assistants/{aid}/events/{eid}"))["event"];
        return Str(ev["status"]) is "completed" or "failed" ? ev : null;
    }, $"event {eid} to end");

    // ---- WebSocket ----

    protected async Task<ClientWebSocket> Connect(string key = "sandbox", string? owner = "Ada", string? agent = "Claw", bool expectOk = true)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{Server.BaseUri.Port}/ws"), CancellationToken.None);
        await SendFrame(ws, new { type = "auth", api_key = key, owner_name = owner, agent_name = agent });
        if (expectOk) Assert.Equal("auth_ok", Str((await Receive(ws))!["type"]));
        return ws;
    }

    protected static Task SendFrame(ClientWebSocket ws, object frame) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(frame)), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text frame, or null when the server closed (the close is answered). Fails after 5 s.</summary>
    protected static async Task<JsonNode?> Receive(ClientWebSocket ws, double seconds = 5)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var buffer = new byte[64 * 1024];
        var sb = new StringBuilder();
        while (true)
        {
            WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                if (ws.State == WebSocketState.CloseReceived) await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return null;
            }
            sb.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            if (r.EndOfMessage) return JsonNode.Parse(sb.ToString());
        }
    }
}
