using System.Text.Json;

namespace ClawdTalk.Sandbox.Bridge;

/// <summary>
/// The simulated OpenClaw gateway on its own port: <c>POST /tools/invoke</c> with the gateway token, tool
/// <c>sessions_send</c>. The reply is <c>Sandbox agent reply to: </c> + <see cref="Subject"/> of the message.
/// </summary>
internal sealed class GatewaySim
{
    public static readonly string[] Modes = { "details", "content_json", "content_text", "accepted", "not_allowed", "error" };
    public const string ReplyPrefix = "Sandbox agent reply to: ";

    private readonly SandboxCore _core;
    private readonly List<JsonObject> _log = new();
    private int _seq;

    public GatewaySim(SandboxCore core) => _core = core;

    public string Mode { get; set; } = "details";
    public int DelayMs { get; set; }

    /// <summary>Under the core lock.</summary>
    public void Reset()
    {
        Mode = "details";
        DelayMs = 0;
        _log.Clear();
        _seq = 0;
    }

    public JsonObject SettingsJson() => new() { ["mode"] = Mode, ["delay_ms"] = DelayMs };

    public JsonArray LogJson()
    {
        var a = new JsonArray();
        foreach (JsonObject e in _log) a.Add(e.DeepClone());
        return a;
    }

    /// <summary>
    /// What the reply quotes: the message without a leading <c>[TAG]</c>, then only the text after its last
    /// newline (the prefix's instructions come first), trimmed, at most 80 characters.
    /// </summary>
    public static string Subject(string message)
    {
        string s = message.Trim();
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']', StringComparison.Ordinal);
            if (close > 0) s = s[(close + 1)..].Trim();
        }
        int nl = s.LastIndexOf('\n');
        if (nl >= 0) s = s[(nl + 1)..].Trim();
        return s.Length > 80 ? s[..80] : s;
    }

    public static string ReplyFor(string message) => ReplyPrefix + Subject(message);

    public async Task HandleAsync(HttpContext ctx)
    {
        if (!HttpMethods.IsPost(ctx.Request.Method) || ctx.Request.Path.Value != "/tools/invoke")
        {
            await Write(ctx, 404, Err("not_found", "Only POST /tools/invoke is served here")).ConfigureAwait(false);
            return;
        }

        string? text = await RequestBody.ReadTextAsync(ctx).ConfigureAwait(false);
        string auth = ctx.Request.Headers.Authorization.ToString();
        bool authorized = auth == "Bearer " + _core.Options.GatewayToken;
        JsonObject? body = null;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
        }
        JsonObject? args = body?["args"] as JsonObject;
        string? tool = Api.Str(body, "tool");
        string? sessionKey = Api.Str(args, "sessionKey");
        string? message = Api.Str(args, "message");
        double? timeoutSeconds = args?["timeoutSeconds"] is JsonValue tv && tv.GetValueKind() == JsonValueKind.Number ? tv.GetValue<double>() : null;

        JsonObject entry;
        string mode;
        int delay;
        lock (_core.Sync)
        {
            mode = Mode;
            delay = DelayMs;
            entry = new JsonObject
            {
                ["seq"] = ++_seq, ["time"] = _core.Clock.NowIso(), ["tool"] = tool, ["session_key"] = sessionKey, ["message"] = message,
                ["timeout_seconds"] = timeoutSeconds, ["authorized"] = authorized, ["mode"] = mode, ["status"] = 0,
            };
            _log.Add(entry);
        }

        (int status, JsonObject response) = Answer(authorized, body, tool, message, timeoutSeconds, mode);
        if (authorized && delay > 0)
        {
            try
            {
                using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _core.Stopping.Token);
                await Task.Delay(delay, delayCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        lock (_core.Sync)
        {
            entry["status"] = status;
            if (response["result"]?["details"]?["reply"] is JsonNode reply) entry["reply"] = reply.DeepClone();
        }
        await Write(ctx, status, response).ConfigureAwait(false);
    }

    private static (int Status, JsonObject Body) Answer(bool authorized, JsonObject? body, string? tool, string? message, double? timeoutSeconds, string mode)
    {
        if (!authorized) return (401, Err("unauthorized", "Missing or invalid gateway token"));
        if (body is null) return (400, Err("invalid_request", "Body must be a JSON object"));
        if (tool != "sessions_send" || mode == "not_allowed")
            return (404, Err("not_found", $"Tool not available: {tool ?? "(none)"} (add it to gateway.tools.allow)"));
        if (message is null || body["args"]?["sessionKey"] is null)
            return (400, Err("invalid_request", "args.sessionKey and args.message are required"));
        if (mode == "error") return (500, Err("internal_error", "Sandbox gateway error"));

        var accepted = new JsonObject { ["result"] = new JsonObject { ["details"] = new JsonObject { ["status"] = "accepted" } } };
        if (mode == "accepted" || timeoutSeconds == 0) return (200, accepted); // fire-and-forget sends get no reply
        string reply = ReplyFor(message);
        return mode switch
        {
            "content_json" => (200, Content(Api.Serialize(new JsonObject { ["reply"] = reply }))),
            "content_text" => (200, Content(reply)),
            _ => (200, new JsonObject { ["result"] = new JsonObject { ["details"] = new JsonObject { ["reply"] = reply } } }),
        };
    }

    private static JsonObject Content(string text) => new()
    {
        ["result"] = new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }) },
    };

    private static JsonObject Err(string type, string message) => new() { ["error"] = new JsonObject { ["type"] = type, ["message"] = message } };

    private static Task Write(HttpContext ctx, int status, JsonObject body) =>
        Api.Json(body, status).ExecuteAsync(ctx);
}
