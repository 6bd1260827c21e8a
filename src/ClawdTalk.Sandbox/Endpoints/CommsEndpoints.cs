using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClawdTalk.Sandbox.Endpoints;

/// <summary>Direct calls, SMS and approvals.</summary>
internal static class CommsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SandboxCore core)
    {
        app.MapPost("/v1/calls", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? to = b.Phone("to");
            string? greeting = b.String("greeting");
            JsonObject? context = b.Object("context");
            string? purpose = context is null ? null : Api.Str(context, "purpose");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                string callee = to ?? s.OwnerPhone;
                if (callee != s.OwnerPhone && s.Plan != "paid")
                    return Api.Error(StatusCodes.Status403Forbidden, "paid_plan_required", "Calls to external numbers need a paid plan with a dedicated number");
                Call call = core.Sim.StartCall(callee, greeting, purpose);
                return Api.Json(call.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/calls/{cid}", (string cid) =>
        {
            lock (core.Sync)
            {
                return core.State.Calls.TryGetValue(cid, out Call? c) ? Api.Json(c.ToJson()) : Api.NotFound("Call", cid);
            }
        });

        app.MapPost("/v1/calls/{cid}/end", (HttpContext ctx, string cid) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string reason = b.String("reason") ?? "user_ended";
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                if (!core.State.Calls.TryGetValue(cid, out Call? c)) return Api.NotFound("Call", cid);
                core.Sim.EndOnRequest(c, reason); // ending an ended call returns it unchanged
                return Api.Json(c.ToJson());
            }
        });

        // ---- SMS ----

        app.MapPost("/v1/messages/send", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? to = b.Phone("to", required: true);
            string? text = b.String("message", required: true);
            List<string>? media = b.Strings("media_urls");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                bool failed = Formats.LastFour(to!) == "0004";
                var m = new Message
                {
                    Id = s.NextId("msg"), Direction = "outbound", From = s.AccountNumber, To = to!, Body = text!, MediaUrls = media,
                    Status = failed ? "failed" : "sent", CreatedAt = core.Clock.NowIso(),
                };
                s.Messages.Add(m);
                return failed
                    ? Api.Error(StatusCodes.Status422UnprocessableEntity, "message_failed", $"The message to {to} could not be delivered")
                    : Api.Json(m.ToJson(), StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/messages", (HttpContext ctx) =>
        {
            if (!RequestBody.TryQueryInt(ctx, "limit", 50, 1, out int limit, out IResult? err)) return err;
            string? contact = ctx.Request.Query["contact"];
            string? direction = ctx.Request.Query["direction"];
            if (direction is not (null or "inbound" or "outbound"))
                return Api.Error(StatusCodes.Status422UnprocessableEntity, "invalid_parameter", "direction must be inbound or outbound");
            lock (core.Sync)
            {
                List<Message> all = Enumerable.Reverse(core.State.Messages)
                    .Where(m => (contact is null || m.Contact == contact) && (direction is null || m.Direction == direction))
                    .ToList();
                return Api.Json(new JsonObject
                {
                    ["messages"] = Api.Array(all.Take(limit), m => m.ToJson()),
                    ["pagination"] = new JsonObject { ["total"] = all.Count, ["limit"] = limit },
                });
            }
        });

        app.MapGet("/v1/messages/conversations", () =>
        {
            lock (core.Sync)
            {
                var latest = new Dictionary<string, (Message Last, int Count)>(StringComparer.Ordinal);
                foreach (Message m in core.State.Messages)
                    latest[m.Contact] = (m, latest.TryGetValue(m.Contact, out var x) ? x.Count + 1 : 1);
                IEnumerable<JsonNode> items = latest.Values
                    .OrderByDescending(x => x.Last.CreatedAt, StringComparer.Ordinal)
                    .Select(x => (JsonNode)new JsonObject
                    {
                        ["contact"] = x.Last.Contact, ["last_message"] = x.Last.Body, // the text (contract; the published sms.sh prints it)
                        ["last_message_at"] = x.Last.CreatedAt, ["message_count"] = x.Count,
                    });
                return Api.Wrap("conversations", new JsonArray(items.ToArray()));
            }
        });

        // ---- approvals ----

        app.MapPost("/v1/approvals", (HttpContext ctx) =>
        {
            if (!RequestBody.TryGet(ctx, out RequestBody? b, out IResult? err)) return err;
            string? action = b.String("action", required: true);
            JsonNode? details = b.Any("details");
            bool biometric = b.Bool("require_biometric") ?? false;
            double expiresIn = b.Number("expires_in") ?? 300;
            if (expiresIn <= 0) b.Fail("invalid_field", "expires_in must be a positive number of seconds");
            if (b.Problem is { } p) return p;
            lock (core.Sync)
            {
                SandboxState s = core.State;
                DateTimeOffset now = core.Clock.Now;
                var a = new Approval
                {
                    Id = s.NextId("apr"), Action = action!, Details = details, RequireBiometric = biometric, ExpiresIn = expiresIn,
                    DevicesNotified = s.DevicesCount, DevicesFailed = s.DevicesFailed, CreatedAt = Formats.Iso(now),
                    ExpiresAt = Formats.Iso(now.AddSeconds(expiresIn)),
                };
                s.Approvals[a.Id] = a;
                s.ApprovalOrder.Add(a);
                core.Sim.ScheduleExpiry(a);
                return Api.Json(new JsonObject
                {
                    ["request_id"] = a.Id, ["devices_notified"] = a.DevicesNotified, ["devices_failed"] = a.DevicesFailed,
                    ["status"] = a.Status, ["expires_at"] = a.ExpiresAt,
                }, StatusCodes.Status201Created);
            }
        });

        app.MapGet("/v1/approvals/{id}", (string id) =>
        {
            lock (core.Sync)
            {
                return core.State.Approvals.TryGetValue(id, out Approval? a) ? Api.Json(a.ToJson()) : Api.NotFound("Approval", id);
            }
        });

        app.MapGet("/v1/approvals", (HttpContext ctx) =>
        {
            string? status = ctx.Request.Query["status"];
            if (status is not null && !Approval.Statuses.Contains(status))
                return Api.Error(StatusCodes.Status422UnprocessableEntity, "invalid_parameter", "status must be pending, approved, denied or expired");
            lock (core.Sync)
            {
                return Api.Wrap("approvals", Api.Array(core.State.ApprovalOrder.Where(a => status is null || a.Status == status), a => a.ToJson()));
            }
        });
    }
}
