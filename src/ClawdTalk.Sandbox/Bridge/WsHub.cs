using System.Buffers;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ClawdTalk.Sandbox.Bridge;

/// <summary>
/// The /ws voice and SMS bridge. The first client frame must be <c>auth</c>; one authenticated client per key:
/// a newer one closes the older with code 4000. Server frames go through a per-connection queue (so they can be
/// sent from under the core lock); every client frame is recorded.
/// </summary>
internal sealed class WsHub
{
    private const int MaxMessageBytes = 1 << 20;
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly SandboxCore _core;
    private readonly HashSet<Connection> _open = new();
    private readonly List<JsonObject> _frames = new();
    private Connection? _current;
    private int _nextConnectionId, _authCount, _authFailures, _frameSeq;

    public WsHub(SandboxCore core) => _core = core;

    private sealed class Connection
    {
        public Connection(int id, WebSocket socket, HttpContext http, CancellationToken stopping)
        {
            Id = id;
            Socket = socket;
            Http = http;
            Cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        }

        public int Id { get; }
        public WebSocket Socket { get; }
        public HttpContext Http { get; }
        public CancellationTokenSource Cts { get; }
        public Channel<Outgoing> Out { get; } = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
        public bool Authenticated { get; set; }
        public string? OwnerName { get; set; }
        public string? AgentName { get; set; }
    }

    private readonly record struct Outgoing(string? Text, int CloseCode, string? Reason, bool Abort);

    // ---- used by the rest of the sandbox (under the core lock) ------------------------------------

    /// <summary>Queues a frame for the current authenticated client; false when none is connected.</summary>
    public bool SendEvent(JsonObject frame)
    {
        Connection? c = _current;
        return c is not null && c.Out.Writer.TryWrite(new Outgoing(Api.Serialize(frame), 0, null, false));
    }

    /// <summary>Closes the current client with <paramref name="code"/>, or aborts it; false when none.</summary>
    public bool Drop(int code, bool abort)
    {
        Connection? c = _current;
        if (c is null) return false;
        _current = null;
        return c.Out.Writer.TryWrite(abort ? new Outgoing(null, 0, null, true) : new Outgoing(null, code, "dropped by sandbox", false));
    }

    public JsonObject StatusJson() => new()
    {
        ["connected"] = _current is not null, ["owner_name"] = _current?.OwnerName, ["agent_name"] = _current?.AgentName,
        ["auth_count"] = _authCount, ["auth_failures"] = _authFailures, ["connections"] = _nextConnectionId,
        ["open_connections"] = _open.Count,
    };

    public JsonArray FramesJson()
    {
        var a = new JsonArray();
        foreach (JsonObject f in _frames) a.Add(f.DeepClone());
        return a;
    }

    public void ResetRecords()
    {
        _frames.Clear();
        _frameSeq = 0;
        _authCount = 0;
        _authFailures = 0;
    }

    /// <summary>Aborts every connection (server stop).</summary>
    public void AbortAll()
    {
        foreach (Connection c in _open) c.Out.Writer.TryWrite(new Outgoing(null, 0, null, true));
    }

    // ---- the endpoint -----------------------------------------------------------------------------

    public async Task HandleAsync(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await Api.Error(StatusCodes.Status400BadRequest, "websocket_required", "Connect with a WebSocket client").ExecuteAsync(ctx).ConfigureAwait(false);
            return;
        }

        using WebSocket ws = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        Connection conn;
        lock (_core.Sync)
        {
            conn = new Connection(++_nextConnectionId, ws, ctx, _core.Stopping.Token);
            _open.Add(conn);
        }
        Task sender = SendLoopAsync(conn);
        try
        {
            using (var authCts = CancellationTokenSource.CreateLinkedTokenSource(conn.Cts.Token))
            {
                authCts.CancelAfter(AuthTimeout);
                string? first = await ReceiveAsync(ws, authCts.Token).ConfigureAwait(false);
                if (first is null)
                {
                    conn.Out.Writer.TryWrite(new Outgoing(null, (int)WebSocketCloseStatus.NormalClosure, null, false));
                    return;
                }
                Authenticate(conn, first);
            }

            while (true)
            {
                string? text = await ReceiveAsync(ws, conn.Cts.Token).ConfigureAwait(false);
                if (text is null) break;
                OnClientFrame(conn, text);
            }
            conn.Out.Writer.TryWrite(new Outgoing(null, (int)WebSocketCloseStatus.NormalClosure, null, false));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // client went away, was aborted, or the server is stopping
        }
        finally
        {
            lock (_core.Sync)
            {
                if (_current == conn) _current = null;
                _open.Remove(conn);
            }
            conn.Out.Writer.TryComplete();
            await sender.ConfigureAwait(false);
            conn.Cts.Dispose();
        }
    }

    private void Authenticate(Connection conn, string text)
    {
        JsonObject? frame = Parse(text);
        string? type = Api.Str(frame, "type");
        string? key = Api.Str(frame, "api_key");
        lock (_core.Sync)
        {
            Record(conn, frame, text);
            if (type != "auth" || key != _core.Options.ApiKey)
            {
                _authFailures++;
                string message = type != "auth" ? "The first frame must be an auth frame" : "Invalid API key";
                conn.Out.Writer.TryWrite(new Outgoing(Api.Serialize(new JsonObject { ["type"] = "auth_error", ["message"] = message }), 0, null, false));
                conn.Out.Writer.TryWrite(new Outgoing(null, (int)WebSocketCloseStatus.PolicyViolation, "authentication failed", false));
                return;
            }
            conn.Authenticated = true;
            conn.OwnerName = Api.Str(frame, "owner_name");
            conn.AgentName = Api.Str(frame, "agent_name");
            _authCount++;
            Connection? previous = _current;
            _current = conn;
            previous?.Out.Writer.TryWrite(new Outgoing(null, 4000, "replaced by another client with the same key", false));
            conn.Out.Writer.TryWrite(new Outgoing("{\"type\":\"auth_ok\"}", 0, null, false));
        }
    }

    private void OnClientFrame(Connection conn, string text)
    {
        JsonObject? frame = Parse(text);
        lock (_core.Sync)
        {
            Record(conn, frame, text);
            if (!conn.Authenticated || frame is null) return;
            SandboxState s = _core.State;
            string? type = Api.Str(frame, "type");
            string? requestId = Api.Str(frame, "request_id");
            BridgeRequest? request = requestId is not null && s.Requests.TryGetValue(requestId, out BridgeRequest? r) ? r : null;
            switch (type)
            {
                case "ping":
                    conn.Out.Writer.TryWrite(new Outgoing("{\"type\":\"pong\"}", 0, null, false));
                    break;
                case "deep_tool_progress" when request is not null:
                    request.Progress.Add(Api.Str(frame, "text") ?? "");
                    break;
                case "deep_tool_result" when request is not null:
                    request.Result = Api.Str(frame, "text");
                    request.Answered = true;
                    break;
                case "walkie_response" when request is not null:
                    request.Result = Api.Str(frame, "reply");
                    request.Error = Api.Str(frame, "error");
                    request.Answered = true;
                    break;
            }
            string? callId = Api.Str(frame, "call_id") ?? request?.CallId;
            if (callId is not null)
            {
                if (!s.CallFrames.TryGetValue(callId, out List<JsonNode>? list)) s.CallFrames[callId] = list = new List<JsonNode>();
                list.Add(frame.DeepClone());
                // a simulated caller stays on the line while the agent speaks, and hangs up a while after its last word
                if (s.Calls.TryGetValue(callId, out Call? call)) _core.Sim.KeepTalking(call);
            }
        }
    }

    /// <summary>Keeps the frame (api_key redacted) in /_sandbox/ws/frames. Under the lock.</summary>
    private void Record(Connection conn, JsonObject? frame, string text)
    {
        JsonNode copy;
        if (frame is null)
        {
            copy = new JsonObject { ["raw"] = text };
        }
        else
        {
            var c = (JsonObject)frame.DeepClone();
            if (c.ContainsKey("api_key")) c["api_key"] = "[redacted]";
            copy = c;
        }
        _frames.Add(new JsonObject { ["seq"] = ++_frameSeq, ["time"] = _core.Clock.NowIso(), ["connection"] = conn.Id, ["frame"] = copy });
    }

    private async Task SendLoopAsync(Connection c)
    {
        try
        {
            await foreach (Outgoing o in c.Out.Reader.ReadAllAsync(c.Cts.Token).ConfigureAwait(false))
            {
                if (o.Abort)
                {
                    c.Socket.Abort();
                    c.Http.Abort();
                    return;
                }
                if (o.Text is not null)
                {
                    await c.Socket.SendAsync(Encoding.UTF8.GetBytes(o.Text), WebSocketMessageType.Text, true, c.Cts.Token).ConfigureAwait(false);
                    continue;
                }
                if (c.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await c.Socket.CloseOutputAsync((WebSocketCloseStatus)o.CloseCode, o.Reason, c.Cts.Token).ConfigureAwait(false);
                c.Cts.CancelAfter(CloseHandshakeTimeout); // a client that never answers the close is cut off
                return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>One whole text message; null when the client closed.</summary>
    private static async Task<string?> ReceiveAsync(WebSocket ws, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) return null; // the send loop answers the close
                message.Write(buffer, 0, r.Count);
                if (message.Length > MaxMessageBytes) throw new WebSocketException("message too big");
                if (r.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
