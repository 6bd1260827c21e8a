using System.Diagnostics;
using ClawdTalk.Sandbox.Bridge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClawdTalk.Sandbox.Endpoints;

/// <summary>
/// /_sandbox/*: no auth, never faulted, not in the request log. Tests drive inbound traffic, answers and faults
/// through these and read back what the client did. Bad input is a 400.
/// </summary>
internal static class ControlEndpoints
{
    /// <summary>Bytes of the GC heap in use; the heap size from the last GC when the allocator reports none (seen under load).</summary>
    private static long HeapInUse(GCMemoryInfo gc)
    {
        long bytes = GC.GetTotalMemory(false);
        return bytes > 0 ? bytes : gc.HeapSizeBytes;
    }

    private static readonly string[] Decisions = { "approved", "denied", "expired" };

    public static void Map(IEndpointRouteBuilder app, SandboxCore core)
    {
        app.MapPost("/_sandbox/reset", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            if (!TryFaultSettings(b, out Action<FaultInjector>? apply, out err)) return err;
            lock (core.Sync)
            {
                apply(core.Faults);
                core.Reset(); // reseeds the draw with the (possibly new) seed
                return Api.Json(new JsonObject { ["ok"] = true, ["faults"] = core.Faults.ToJson() });
            }
        });

        app.MapGet("/_sandbox/clock", () => Api.Json(new JsonObject
        {
            ["now"] = core.Clock.NowIso(), ["time_scale"] = core.Options.TimeScale,
        }));

        app.MapGet("/_sandbox/log", (HttpContext ctx) =>
        {
            long since = long.TryParse(ctx.Request.Query["since"], out long n) ? n : 0;
            lock (core.Sync) return Api.Wrap("requests", core.Log.ToJson(since));
        });

        app.MapGet("/_sandbox/stats", (HttpContext ctx) =>
        {
            if (ctx.Request.Query["collect"] == "true")
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }
            using var process = Process.GetCurrentProcess();
            GCMemoryInfo gc = GC.GetGCMemoryInfo();
            lock (core.Sync)
            {
                SandboxState s = core.State;
                return Api.Json(new JsonObject
                {
                    ["gc_heap_bytes"] = HeapInUse(gc), ["gc_heap_size_bytes"] = gc.HeapSizeBytes,
                    ["working_set_bytes"] = process.WorkingSet64, ["scheduled_events"] = s.Events.Count,
                    ["open_events"] = s.Events.Values.Count(e => !e.IsTerminal), ["timers"] = core.Scheduler.Count,
                    ["timer_errors"] = core.Scheduler.Errors, ["logged_requests"] = core.Log.Count,
                });
            }
        });

        // ---- settings ----

        app.MapGet("/_sandbox/faults", () => { lock (core.Sync) return Api.Json(core.Faults.ToJson()); });
        app.MapPost("/_sandbox/faults", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            if (!TryFaultSettings(b, out Action<FaultInjector>? apply, out err)) return err;
            lock (core.Sync)
            {
                apply(core.Faults);
                return Api.Json(core.Faults.ToJson());
            }
        });

        app.MapGet("/_sandbox/gateway", () => { lock (core.Sync) return Api.Json(core.Gateway.SettingsJson()); });
        app.MapPost("/_sandbox/gateway", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? mode = b.OneOf("mode", GatewaySim.Modes);
            int? delay = b.Int("delay_ms");
            if (delay < 0) b.Fail("invalid_field", "delay_ms must be 0 or more");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (mode is not null) core.Gateway.Mode = mode;
                if (delay is not null) core.Gateway.DelayMs = delay.Value;
                return Api.Json(core.Gateway.SettingsJson());
            }
        });
        app.MapGet("/_sandbox/gateway/log", () => { lock (core.Sync) return Api.Wrap("calls", core.Gateway.LogJson()); });

        app.MapGet("/_sandbox/account", () => { lock (core.Sync) return Api.Json(AccountJson(core.State)); });
        app.MapPost("/_sandbox/account", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? plan = b.OneOf("plan", new[] { "free", "paid" });
            string? owner = b.Phone("owner_phone");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (plan is not null) core.State.Plan = plan;
                if (owner is not null) core.State.OwnerPhone = owner;
                return Api.Json(AccountJson(core.State));
            }
        });

        app.MapPost("/_sandbox/devices", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            int? count = b.Int("count", required: true);
            int failed = b.Int("failed") ?? 0;
            if (count < 0 || failed < 0) b.Fail("invalid_field", "count and failed must be 0 or more");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                core.State.DevicesCount = count!.Value;
                core.State.DevicesFailed = failed;
                return Api.Json(new JsonObject { ["count"] = count, ["failed"] = failed });
            }
        });

        app.MapPost("/_sandbox/numbers", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            int count = b.Int("count") ?? 1;
            if (count is < 1 or > 1000) b.Fail("invalid_field", "count must be 1..1000");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                var added = new JsonArray();
                for (int i = 0; i < count; i++)
                {
                    Phone ph = core.State.AddNumber();
                    added.Add(new JsonObject { ["id"] = ph.Id, ["phone_number"] = ph.PhoneNumber });
                }
                return Api.Wrap("added", added);
            }
        });

        app.MapPost("/_sandbox/insights", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            int? reads = b.Int("pending_reads", required: true);
            if (reads < 0) b.Fail("invalid_field", "pending_reads must be 0 or more");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                core.State.InsightPendingReads = reads!.Value;
                return Api.Json(new JsonObject { ["pending_reads"] = reads });
            }
        });

        // ---- inbound traffic over the WebSocket ----

        app.MapPost("/_sandbox/calls/inbound", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? query = b.String("query");
            string from = b.Phone("from") ?? "+12125550142";
            bool started = b.Bool("started") ?? false;
            string? context = b.String("context");
            // the caller hangs up this long (sandbox seconds) after the agent's last frame; false: only /end ends the call
            double? hangUpAfter = Simulator.TalkSeconds;
            if (b.Obj["hang_up_after"] is JsonNode hv && hv.GetValueKind() == System.Text.Json.JsonValueKind.False) hangUpAfter = null;
            else if (b.Number("hang_up_after") is double h)
            {
                if (h > 0) hangUpAfter = h;
                else b.Fail("invalid_field", "hang_up_after must be a positive number of seconds, or false");
            }
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                string now = core.Clock.NowIso();
                var call = new Call
                {
                    Id = s.NextId("call"), Direction = "inbound", Status = "in-progress", From = from, To = s.AccountNumber,
                    CreatedAt = now, AnsweredAt = now, AnsweredMs = Formats.MonoMs(), HangUpAfter = hangUpAfter,
                };
                s.Calls[call.Id] = call;
                core.Sim.KeepTalking(call);
                bool delivered = true;
                if (started)
                {
                    JsonObject callStarted = Event("call.started", call.Id);
                    callStarted["direction"] = "inbound";
                    delivered &= core.Hub.SendEvent(callStarted);
                }
                delivered &= core.Hub.SendEvent(Event("context_request", call.Id));
                string? requestId = null;
                if (query is not null)
                {
                    BridgeRequest r = NewRequest(core, s, "deep_tool", call.Id);
                    requestId = r.Id;
                    JsonObject deep = Event("deep_tool_request", call.Id);
                    deep["request_id"] = r.Id;
                    deep["query"] = query;
                    deep["context"] = context ?? $"Inbound call from {from}";
                    delivered &= core.Hub.SendEvent(deep);
                }
                return Api.Json(new JsonObject { ["call_id"] = call.Id, ["request_id"] = requestId, ["delivered"] = delivered });
            }
        });

        app.MapPost("/_sandbox/calls/{cid}/end", (HttpContext ctx, string cid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? outcome = b.String("outcome");
            string? reason = b.String("reason");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                JsonObject frame;
                if (core.State.Calls.TryGetValue(cid, out Call? call))
                {
                    if (!call.IsTerminal) core.Sim.EndCall(call, "completed", outcome ?? call.PlannedOutcome, reason ?? "hangup", send: false);
                    frame = Simulator.CallEndedFrame(call);
                }
                else
                {
                    frame = new JsonObject
                    {
                        ["type"] = "event", ["event"] = "call.ended", ["call_id"] = cid, ["direction"] = "inbound", ["duration_seconds"] = 0,
                        ["reason"] = "hangup", ["outcome"] = "answered", ["to_number"] = null, ["purpose"] = null, ["greeting"] = null,
                        ["voicemail_message"] = null,
                    };
                }
                foreach (KeyValuePair<string, JsonNode?> kv in b.Obj)
                {
                    if (kv.Key is not ("type" or "event" or "call_id")) frame[kv.Key] = kv.Value?.DeepClone();
                }
                bool delivered = core.Hub.SendEvent(frame);
                return Api.Json(new JsonObject { ["call_id"] = cid, ["delivered"] = delivered, ["frame"] = frame.DeepClone() });
            }
        });

        app.MapGet("/_sandbox/calls/{cid}/frames", (string cid) =>
        {
            lock (core.Sync)
            {
                var frames = new JsonArray();
                if (core.State.CallFrames.TryGetValue(cid, out List<JsonNode>? list))
                    foreach (JsonNode f in list) frames.Add(f.DeepClone());
                return Api.Json(new JsonObject { ["call_id"] = cid, ["frames"] = frames });
            }
        });

        app.MapGet("/_sandbox/requests/{rid}", (string rid) =>
        {
            lock (core.Sync)
            {
                return core.State.Requests.TryGetValue(rid, out BridgeRequest? r) ? Api.Json(r.ToJson()) : Api.NotFound("Request", rid);
            }
        });

        app.MapPost("/_sandbox/sms/inbound", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? from = b.Phone("from", required: true);
            string? body = b.String("body", required: true);
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                var m = new Message { Id = s.NextId("msg"), Direction = "inbound", From = from!, To = s.AccountNumber, Body = body!, Status = "received", CreatedAt = core.Clock.NowIso() };
                s.Messages.Add(m);
                bool delivered = core.Hub.SendEvent(new JsonObject
                {
                    ["type"] = "event", ["event"] = "sms.received", ["from"] = m.From, ["body"] = m.Body, ["message_id"] = m.Id,
                });
                return Api.Json(new JsonObject { ["message_id"] = m.Id, ["delivered"] = delivered });
            }
        });

        app.MapPost("/_sandbox/walkie", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? transcript = b.String("transcript", required: true);
            string sessionKey = b.String("session_key") ?? "agent:main:main";
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                BridgeRequest r = NewRequest(core, core.State, "walkie", null);
                bool delivered = core.Hub.SendEvent(new JsonObject
                {
                    ["type"] = "event", ["event"] = "walkie_request", ["request_id"] = r.Id, ["transcript"] = transcript, ["session_key"] = sessionKey,
                });
                return Api.Json(new JsonObject { ["request_id"] = r.Id, ["delivered"] = delivered });
            }
        });

        app.MapPost("/_sandbox/approvals/{id}/respond", (HttpContext ctx, string id) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            string? decision = b.OneOf("decision", Decisions, required: true);
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!core.State.Approvals.TryGetValue(id, out Approval? a)) return Api.NotFound("Approval", id);
                a.Status = decision!;
                a.RespondedAt = core.Clock.NowIso();
                bool delivered = core.Hub.SendEvent(new JsonObject
                {
                    ["type"] = "event", ["event"] = "approval.responded", ["request_id"] = id, ["decision"] = decision,
                });
                return Api.Json(new JsonObject { ["request_id"] = id, ["status"] = a.Status, ["delivered"] = delivered });
            }
        });

        // ---- the WebSocket itself ----

        app.MapGet("/_sandbox/ws", () => { lock (core.Sync) return Api.Json(core.Hub.StatusJson()); });
        app.MapGet("/_sandbox/ws/frames", () => { lock (core.Sync) return Api.Wrap("frames", core.Hub.FramesJson()); });
        app.MapPost("/_sandbox/ws/drop", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err, control: true)) return err;
            int code = b.Int("code") ?? 1011;
            bool abort = b.Bool("abort") ?? false;
            if (code is < 1000 or > 4999) b.Fail("invalid_field", "code must be 1000..4999");
            if (b.Problem is { } p) return p;
            lock (core.Sync) return Api.Json(new JsonObject { ["dropped"] = core.Hub.Drop(code, abort) });
        });

        app.MapFallback("/_sandbox/{**rest}", () => Api.Error(StatusCodes.Status404NotFound, "not_found", "Unknown control endpoint"));
        app.MapFallback("/v1/{**rest}", () => Api.Error(StatusCodes.Status404NotFound, "not_found", "Unknown endpoint"));
    }

    private static JsonObject AccountJson(SandboxState s) => new() { ["plan"] = s.Plan, ["owner_phone"] = s.OwnerPhone };

    private static JsonObject Event(string name, string callId) => new() { ["type"] = "event", ["event"] = name, ["call_id"] = callId };

    private static BridgeRequest NewRequest(SandboxCore core, SandboxState s, string kind, string? callId)
    {
        var r = new BridgeRequest { Id = s.NextId("req"), Kind = kind, CallId = callId, CreatedAt = core.Clock.NowIso() };
        s.Requests[r.Id] = r;
        return r;
    }

    /// <summary>Reads rate, faults, stall_seconds, rate_limit and seed; the returned action applies them (under the lock).</summary>
    private static bool TryFaultSettings(RequestBody b, out Action<FaultInjector> apply, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out IResult? error)
    {
        double? rate = b.Number("rate");
        List<string>? kinds = b.Has("faults") && b.Obj["faults"] is JsonValue
            ? b.String("faults")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : b.Strings("faults");
        double? stall = b.Number("stall_seconds");
        double? rateLimit = b.Number("rate_limit");
        int? seed = b.Int("seed");
        if (rate is < 0 or > 1) b.Fail("invalid_field", "rate must be 0..1");
        if (stall < 0 || rateLimit < 0) b.Fail("invalid_field", "stall_seconds and rate_limit must be 0 or more");
        if (kinds is not null)
        {
            try
            {
                SandboxOptions.ValidateFaults(kinds);
            }
            catch (ArgumentException e)
            {
                b.Fail("invalid_field", e.Message);
            }
        }
        apply = f =>
        {
            if (rate is not null) f.Rate = rate.Value;
            if (kinds is not null) f.Kinds = kinds.ToArray();
            if (stall is not null) f.StallSeconds = stall.Value;
            if (rateLimit is not null) f.RateLimit = rateLimit.Value;
            if (seed is not null) f.Reseed(seed.Value);
        };
        error = b.Problem;
        return error is null;
    }
}
