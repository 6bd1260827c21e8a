using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClawdTalk.Sandbox.Endpoints;

/// <summary>Assistants, their connection ids, account phone numbers and scheduled events (calls and SMS).</summary>
internal static class AssistantEndpoints
{
    public const string DefaultModel = "openai/gpt-4o";
    public const string DefaultVoice = "Rime.ArcanaV3.astra";

    private static JsonArray DefaultTools() => new(
        new JsonObject { ["type"] = "hangup", ["hangup"] = new JsonObject { ["description"] = "Hang up the call when the conversation is over." } },
        new JsonObject { ["type"] = "send_dtmf", ["send_dtmf"] = new JsonObject() });

    public static void Map(IEndpointRouteBuilder app, SandboxCore core)
    {
        app.MapPost("/v1/assistants", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            var a = new Assistant { Name = b.String("name", required: true) ?? "" };
            ReadFields(b, a, creating: true);
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                a.Id = s.NextId("ast");
                a.CreatedAt = a.UpdatedAt = core.Clock.NowIso();
                AllocateConnections(s, a);
                s.Assistants[a.Id] = a;
                s.AssistantOrder.Add(a);
                return Api.Wrap("assistant", a.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/assistants", (HttpContext ctx) =>
        {
            if (!RequestBody.TryQueryInt(ctx, "pageSize", 20, 1, out int size, out IResult? err)) return err;
            if (!RequestBody.TryQueryInt(ctx, "page", 1, 1, out int page, out err)) return err;
            string? name = ctx.Request.Query["name"];
            lock (core.Sync)
            {
                List<Assistant> all = core.State.AssistantOrder
                    .Where(a => string.IsNullOrEmpty(name) || a.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                    .ToList();
                return Api.Json(new JsonObject
                {
                    ["assistants"] = Api.Array(all.Skip((page - 1) * size).Take(size), a => a.ToJson()),
                    ["meta"] = new JsonObject
                    {
                        ["total_results"] = all.Count, ["total_pages"] = (all.Count + size - 1) / size,
                        ["page_number"] = page, ["page_size"] = size,
                    },
                });
            }
        });

        app.MapGet("/v1/assistants/{aid}", (string aid) =>
        {
            lock (core.Sync)
            {
                return core.State.Assistants.TryGetValue(aid, out Assistant? a) ? Api.Wrap("assistant", a.ToJson()) : Api.NotFound("Assistant", aid);
            }
        });

        app.MapPatch("/v1/assistants/{aid}", (HttpContext ctx, string aid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            lock (core.Sync)
            {
                if (!core.State.Assistants.TryGetValue(aid, out Assistant? a)) return Api.NotFound("Assistant", aid);
                var draft = new Assistant
                {
                    Name = a.Name, Model = a.Model, Instructions = a.Instructions, Greeting = a.Greeting, Voice = a.Voice,
                    Description = a.Description, Tools = (JsonArray)a.Tools.DeepClone(), EnabledFeatures = new List<string>(a.EnabledFeatures),
                };
                if (b.Has("name")) draft.Name = b.String("name", required: true) ?? "";
                ReadFields(b, draft, creating: false);
                if (b.Problem is { } p) return p; // nothing changes on a validation error
                (a.Name, a.Model, a.Instructions, a.Greeting, a.Voice, a.Description, a.Tools, a.EnabledFeatures) =
                    (draft.Name, draft.Model, draft.Instructions, draft.Greeting, draft.Voice, draft.Description, draft.Tools, draft.EnabledFeatures);
                a.UpdatedAt = core.Clock.NowIso();
                AllocateConnections(core.State, a);
                return Api.Wrap("assistant", a.ToJson());
            }
        });

        app.MapGet("/v1/assistants/{aid}/connection-id", (HttpContext ctx, string aid) =>
        {
            string? feature = ctx.Request.Query["feature"];
            if (feature is null || !Assistant.Features.Contains(feature))
                return Api.Error(StatusCodes.Status422UnprocessableEntity, "invalid_parameter", "feature must be telephony or messaging");
            lock (core.Sync)
            {
                if (!core.State.Assistants.TryGetValue(aid, out Assistant? a)) return Api.NotFound("Assistant", aid);
                var o = new JsonObject();
                if (a.EnabledFeatures.Contains(feature)) o["connection_id"] = a.ConnectionIds[feature];
                return Api.Json(o);
            }
        });

        // ---- account phone numbers ----

        app.MapGet("/v1/numbers/account-phones", () =>
        {
            lock (core.Sync) return Api.Wrap("data", Api.Array(core.State.Phones, p => p.ToJson()));
        });

        app.MapGet("/v1/numbers/account-phones/available", () =>
        {
            lock (core.Sync)
            {
                // the account's dedicated number, assigned to an assistant or not (2.0.6: every mission calls from it);
                // none on the free plan, or when the account has no free number left to dedicate
                SandboxState s = core.State;
                Phone? dedicated = s.Plan != "paid" ? null
                    : s.Phones.Find(p => p.Id == s.DedicatedPhoneId) ?? s.Phones.Find(p => p.ConnectionId is null);
                if (dedicated is not null) s.DedicatedPhoneId = dedicated.Id;
                return Api.Json(dedicated is null ? new JsonObject() : new JsonObject { ["phone"] = new JsonObject { ["id"] = dedicated.Id, ["phone_number"] = dedicated.PhoneNumber } });
            }
        });

        app.MapPatch("/v1/numbers/account-phones/{pid}", (HttpContext ctx, string pid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? connection = b.String("connection_id", required: true);
            string? type = b.OneOf("type", new[] { "voice", "sms" }, required: true);
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                Phone? phone = core.State.Phones.Find(x => x.Id == pid);
                if (phone is null) return Api.NotFound("Phone number", pid);
                phone.ConnectionId = connection;
                phone.Type = type;
                return Api.Wrap("data", phone.ToJson());
            }
        });

        // ---- scheduled events ----

        app.MapPost("/v1/assistants/{aid}/events", (HttpContext ctx, string aid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? channel = b.OneOf("channel", new[] { "call", "sms" }, required: true);
            string? to = b.Phone("to", required: true);
            string? from = b.Phone("from", required: true);
            string? scheduledAt = b.String("scheduled_at", required: true);
            bool isCall = channel == "call";
            string? missionId = b.String("mission_id", required: isCall);
            string? runId = b.String("run_id", required: isCall);
            string? stepId = b.String("step_id");
            string? text = channel == "sms" ? b.String("text_body", required: true) : null;
            if (runId is not null && missionId is null && !isCall) b.Fail("missing_field", "mission_id is required with run_id");
            if (stepId is not null && runId is null && !isCall) b.Fail("missing_field", "run_id is required with step_id");
            DateTimeOffset at = default;
            DateTimeOffset received = core.Clock.Now;
            if (scheduledAt is not null)
            {
                if (!Formats.TryParseIso(scheduledAt, out at))
                    b.Fail("invalid_scheduled_at", $"scheduled_at must be an ISO 8601 date and time (got '{scheduledAt}')");
                else if (at < received.AddSeconds(60))
                    b.Fail("invalid_scheduled_at", "scheduled_at must be at least 60 seconds in the future");
            }
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                if (!s.Assistants.ContainsKey(aid)) return Api.NotFound("Assistant", aid);
                Run? run = null;
                if (missionId is not null)
                {
                    if (!s.Missions.ContainsKey(missionId)) return Api.NotFound("Mission", missionId);
                    if (runId is not null && !MissionEndpoints.TryRun(core, missionId, runId, out run, out err)) return err;
                }
                if (stepId is not null && run?.Plan?.Find(x => x.StepId == stepId) is null) return Api.NotFound("Step", stepId);

                string now = core.Clock.NowIso();
                var ev = new ScheduledEvent
                {
                    Id = s.NextId("evt"), AssistantId = aid, Channel = channel!, To = to!, From = from!, ScheduledAt = scheduledAt!,
                    TextBody = text, MissionId = missionId, RunId = runId, StepId = stepId, CreatedAt = now, UpdatedAt = now,
                };
                s.Events[ev.Id] = ev;
                if (!s.EventsByAssistant.TryGetValue(aid, out List<ScheduledEvent>? list)) s.EventsByAssistant[aid] = list = new List<ScheduledEvent>();
                list.Add(ev);
                if (run is not null) run.OpenScheduledEvents++;
                // Runs when the sandbox's clock reaches its scheduled time (the clock runs TimeScale times faster than real time).
                core.Sim.Schedule(ev, core.Clock.MonoAt(at));
                return Api.Wrap("event", ev.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/assistants/{aid}/events", (string aid) =>
        {
            lock (core.Sync)
            {
                SandboxState s = core.State;
                if (!s.Assistants.ContainsKey(aid)) return Api.NotFound("Assistant", aid);
                IEnumerable<ScheduledEvent> list = s.EventsByAssistant.TryGetValue(aid, out List<ScheduledEvent>? l) ? l : Enumerable.Empty<ScheduledEvent>();
                return Api.Wrap("events", Api.Array(list, e => e.ToJson()));
            }
        });

        app.MapGet("/v1/assistants/{aid}/events/{eid}", (string aid, string eid) =>
        {
            lock (core.Sync)
            {
                return TryEvent(core, aid, eid, out ScheduledEvent? ev, out IResult? err) ? Api.Wrap("event", ev.ToJson()) : err;
            }
        });

        app.MapDelete("/v1/assistants/{aid}/events/{eid}", (string aid, string eid) =>
        {
            lock (core.Sync)
            {
                if (!TryEvent(core, aid, eid, out ScheduledEvent? ev, out IResult? err)) return err;
                if (ev.Outcome == "canceled") return Api.NoContent(); // cancelling twice is harmless
                if (ev.Status != "pending")
                    return Api.Error(StatusCodes.Status409Conflict, "event_not_cancellable", $"Event '{eid}' is {ev.Status} and can no longer be cancelled");
                core.Sim.Cancel(ev);
                return Api.NoContent();
            }
        });
    }

    private static bool TryEvent(SandboxCore core, string aid, string eid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScheduledEvent? ev, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out IResult? error)
    {
        error = null;
        if (!core.State.Assistants.ContainsKey(aid))
        {
            ev = null;
            error = Api.NotFound("Assistant", aid);
            return false;
        }
        if (!core.State.Events.TryGetValue(eid, out ev) || ev.AssistantId != aid)
        {
            ev = null;
            error = Api.NotFound("Event", eid);
            return false;
        }
        return true;
    }

    /// <summary>Reads the optional create/update fields into <paramref name="a"/>; on create, absent ones get the defaults.</summary>
    private static void ReadFields(RequestBody b, Assistant a, bool creating)
    {
        string? Field(string name, string current, string fallback) => b.String(name) ?? (creating ? fallback : current);
        a.Model = Field("model", a.Model, DefaultModel)!;
        a.Instructions = Field("instructions", a.Instructions, "")!;
        a.Greeting = Field("greeting", a.Greeting, "")!;
        a.Voice = Field("voice", a.Voice, DefaultVoice)!;
        if (b.Has("description")) a.Description = b.String("description");

        JsonArray? tools = b.Array("tools");
        if (tools is not null)
        {
            foreach (JsonNode? t in tools)
            {
                string? type = t is JsonObject o ? Api.Str(o, "type") : null;
                if (type is null || !Assistant.ToolTypes.Contains(type))
                    b.Fail("invalid_field", $"each tool needs a type, one of: {string.Join(", ", Assistant.ToolTypes)}");
            }
            a.Tools = (JsonArray)tools.DeepClone();
        }
        else if (creating)
        {
            a.Tools = DefaultTools();
        }

        List<string>? features = b.Strings("enabled_features");
        if (features is not null)
        {
            if (features.Any(f => !Assistant.Features.Contains(f)))
                b.Fail("invalid_field", "enabled_features may hold only telephony and messaging");
            a.EnabledFeatures = features.Distinct().ToList();
        }
        else if (creating)
        {
            a.EnabledFeatures = new List<string>(Assistant.Features);
        }
    }

    /// <summary>One connection id per enabled feature, kept once made.</summary>
    private static void AllocateConnections(SandboxState s, Assistant a)
    {
        foreach (string f in a.EnabledFeatures)
        {
            if (!a.ConnectionIds.ContainsKey(f)) a.ConnectionIds[f] = s.NextId("conn");
        }
    }
}
