using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClawdTalk.Sandbox.Endpoints;

/// <summary>Missions, runs, plans, steps, run events, linked agents and conversation insights.</summary>
internal static class MissionEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SandboxCore core)
    {
        const string RunPath = "/v1/missions/{mid}/runs/{rid}";

        app.MapPost("/v1/missions", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? name = b.String("name", required: true);
            string? instructions = b.String("instructions");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                string now = core.Clock.NowIso();
                var m = new Mission { Id = s.NextId("mis"), Name = name!, Instructions = instructions ?? "", CreatedAt = now, UpdatedAt = now };
                s.Missions[m.Id] = m;
                s.MissionOrder.Add(m);
                return Api.Wrap("mission", m.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/missions", (HttpContext ctx) =>
        {
            if (!RequestBody.TryQueryInt(ctx, "page[size]", 20, 1, out int size, out IResult? err)) return err;
            if (!RequestBody.TryQueryInt(ctx, "page[number]", 1, 1, out int number, out err)) return err;
            lock (core.Sync)
            {
                IEnumerable<Mission> page = Enumerable.Reverse(core.State.MissionOrder).Skip((number - 1) * size).Take(size);
                return Api.Wrap("missions", Api.Array(page, m => m.ToJson()));
            }
        });

        app.MapGet("/v1/missions/{mid}", (string mid) =>
        {
            lock (core.Sync)
            {
                return core.State.Missions.TryGetValue(mid, out Mission? m)
                    ? Api.Wrap("mission", m.ToJson())
                    : Api.NotFound("Mission", mid);
            }
        });

        app.MapPost("/v1/missions/{mid}/runs", (HttpContext ctx, string mid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            JsonObject? input = b.Object("input", required: true);
            if (input is not null && (input["original_request"] is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
                b.Fail("missing_field", "input.original_request is required (a string)");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                if (!s.Missions.TryGetValue(mid, out Mission? m)) return Api.NotFound("Mission", mid);
                string now = core.Clock.NowIso();
                var r = new Run { Id = s.NextId("run"), MissionId = mid, Input = input!.DeepClone(), CreatedAt = now, UpdatedAt = now };
                s.Runs[r.Id] = r;
                m.Runs.Add(r);
                return Data(r.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/missions/{mid}/runs", (string mid) =>
        {
            lock (core.Sync)
            {
                return core.State.Missions.TryGetValue(mid, out Mission? m)
                    ? Data(Api.Array(m.Runs, r => r.ToJson()))
                    : Api.NotFound("Mission", mid);
            }
        });

        app.MapGet(RunPath, (string mid, string rid) =>
        {
            lock (core.Sync)
            {
                return TryRun(core, mid, rid, out Run? r, out IResult? err) ? Data(r.ToJson()) : err;
            }
        });

        app.MapPatch(RunPath, (HttpContext ctx, string mid, string rid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? status = b.OneOf("status", Run.Statuses, code: "invalid_status");
            string? summary = b.String("result_summary");
            bool hasPayload = b.Has("result_payload");
            JsonNode? payload = b.Any("result_payload");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out err)) return err;
                if (status is not null) r.Status = status;
                if (summary is not null) r.ResultSummary = summary;
                if (hasPayload) r.ResultPayload = payload;
                r.UpdatedAt = core.Clock.NowIso();
                return Data(r.ToJson());
            }
        });

        app.MapPost(RunPath + "/plan", (HttpContext ctx, string mid, string rid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            JsonArray? steps = b.Array("steps", required: true);
            var parsed = new List<PlanStep>();
            string now = core.Clock.NowIso();
            if (steps is not null)
            {
                int index = 0;
                foreach (JsonNode? node in steps)
                {
                    index++;
                    if (node is not JsonObject o)
                    {
                        b.Fail("invalid_field", $"steps[{index - 1}] must be an object");
                        continue;
                    }
                    RequestBody sb = RequestBody.Of(o);
                    string? id = sb.String("step_id", required: true);
                    string? description = sb.String("description");
                    int? sequence = sb.Int("sequence");
                    if (sb.Problem is not null) b.Fail("invalid_field", $"steps[{index - 1}] needs a string step_id, a string description and an integer sequence");
                    else if (parsed.Exists(x => x.StepId == id)) b.Fail("invalid_field", $"duplicate step_id '{id}'");
                    else parsed.Add(new PlanStep { StepId = id!, Description = description ?? "", Sequence = sequence ?? index, UpdatedAt = now });
                }
            }
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out err)) return err;
                r.Plan = parsed.OrderBy(x => x.Sequence).ToList(); // posting a plan again replaces it
                r.PlanCreatedAt = now;
                return Data(r.PlanJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet(RunPath + "/plan", (string mid, string rid) =>
        {
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out IResult? err)) return err;
                return r.Plan is null ? Api.NotFound("Plan of run", rid) : Data(r.PlanJson());
            }
        });

        app.MapPatch(RunPath + "/plan/steps/{sid}", (HttpContext ctx, string mid, string rid, string sid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? status = b.OneOf("status", PlanStep.Statuses, required: true, code: "invalid_status");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out err)) return err;
                PlanStep? step = r.Plan?.Find(x => x.StepId == sid);
                if (step is null) return Api.NotFound("Step", sid);
                step.Status = status!;
                step.UpdatedAt = core.Clock.NowIso();
                return Data(step.ToJson());
            }
        });

        app.MapPost(RunPath + "/events", (HttpContext ctx, string mid, string rid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? type = b.OneOf("type", RunEvent.Types, required: true);
            string? summary = b.String("summary", required: true);
            string? agent = b.String("agent_id");
            string? step = b.String("step_id");
            JsonNode? payload = b.Any("payload");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out err)) return err;
                var e = new RunEvent { Id = core.State.NextId("rev"), Type = type!, Summary = summary!, AgentId = agent, StepId = step, Payload = payload, CreatedAt = core.Clock.NowIso() };
                r.Events.Add(e);
                return Data(e.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet(RunPath + "/events", (string mid, string rid) =>
        {
            lock (core.Sync)
            {
                return TryRun(core, mid, rid, out Run? r, out IResult? err) ? Data(Api.Array(r.Events, e => e.ToJson())) : err;
            }
        });

        app.MapPost(RunPath + "/agents", (HttpContext ctx, string mid, string rid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? agentId = b.String("telnyx_agent_id", required: true);
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out err)) return err;
                LinkedAgent? existing = r.Agents.Find(a => a.TelnyxAgentId == agentId);
                if (existing is not null) return Data(existing.ToJson()); // linking twice is harmless
                var link = new LinkedAgent { TelnyxAgentId = agentId!, MissionId = mid, RunId = rid, CreatedAt = core.Clock.NowIso() };
                r.Agents.Add(link);
                return Data(link.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet(RunPath + "/agents", (string mid, string rid) =>
        {
            lock (core.Sync)
            {
                return TryRun(core, mid, rid, out Run? r, out IResult? err) ? Data(Api.Array(r.Agents, a => a.ToJson())) : err;
            }
        });

        app.MapDelete(RunPath + "/agents/{aid}", (string mid, string rid, string aid) =>
        {
            lock (core.Sync)
            {
                if (!TryRun(core, mid, rid, out Run? r, out IResult? err)) return err;
                return r.Agents.RemoveAll(a => a.TelnyxAgentId == aid) > 0 ? Api.NoContent() : Api.NotFound("Linked agent", aid);
            }
        });

        app.MapGet("/v1/missions/conversations/{cid}/insights", (string cid) =>
        {
            lock (core.Sync)
            {
                return core.State.Conversations.TryGetValue(cid, out Conversation? c)
                    ? Api.Json(core.Sim.Insights(c))
                    : Api.NotFound("Conversation", cid);
            }
        });
    }

    private static IResult Data(JsonNode node, int status = StatusCodes.Status200OK) => Api.Wrap("data", node, status);

    /// <summary>The run <paramref name="rid"/> of mission <paramref name="mid"/> (404 for either). Under the lock.</summary>
    internal static bool TryRun(SandboxCore core, string mid, string rid, [NotNullWhen(true)] out Run? run, [NotNullWhen(false)] out IResult? error)
    {
        run = null;
        error = null;
        if (!core.State.Missions.ContainsKey(mid))
        {
            error = Api.NotFound("Mission", mid);
            return false;
        }
        if (!core.State.Runs.TryGetValue(rid, out run) || run.MissionId != mid)
        {
            run = null;
            error = Api.NotFound("Run", rid);
            return false;
        }
        return true;
    }
}
