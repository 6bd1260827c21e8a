using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class CommsApiTests : SandboxTests
{
    public CommsApiTests(SandboxFixture f) : base(f) { }

    private Task<JsonNode> CallEnded(string id) => Until(async () =>
    {
        JsonNode c = (await Get($"/v1/calls/{id}")).Json!;
        return Str(c["status"]) is "initiating" or "ringing" or "in-progress" ? null : c;
    }, $"call {id} to end");

    [Fact]
    public async Task A_call_without_to_rings_the_owner_and_completes()
    {
        Reply started = await Post("/v1/calls", new { greeting = "Hi", context = new { purpose = "check in" } });
        Assert.Equal(201, started.Status);
        string id = Str(started["call_id"]);
        Assert.Equal("initiating", Str(started["status"]));
        Assert.Equal("+12125550199", Str(started["to"]));
        Assert.False(started["privacy_mode"].GetValue<bool>());
        JsonNode done = await CallEnded(id);
        Assert.Equal("completed", Str(done["status"]));
        Assert.Equal("answered", Str(done["outcome"]));
        Assert.Equal("check in", Str(done["purpose"]));
        Assert.Equal(60, done["duration_seconds"]!.GetValue<int>()); // the planned talk time, whatever the timer jitter
        Assert.Equal(404, (await Get("/v1/calls/call_nope")).Status);
    }

    [Theory]
    [InlineData("+15551230001", "no-answer", "no-answer")]
    [InlineData("+15551230002", "busy", "busy")]
    [InlineData("+15551230003", "completed", "voicemail")]
    [InlineData("+15551230004", "failed", "failed")]
    [InlineData("+15551230008", "completed", "answered")]
    public async Task Magic_numbers_decide_direct_calls(string to, string status, string outcome)
    {
        Reply started = await Post("/v1/calls", new { to });
        Assert.True(started["privacy_mode"].GetValue<bool>());
        JsonNode done = await CallEnded(Str(started["call_id"]));
        Assert.Equal(status, Str(done["status"]));
        Assert.Equal(outcome, Str(done["outcome"]));
    }

    [Fact]
    public async Task A_call_ends_on_request_and_0005_answers_the_second_time()
    {
        // A slower clock (scale 10: ringing 1 s, talk 6 s) so the answered call is still on when it is ended: at the
        // fixture's 600x its 60 s of talk are 0.1 s, which a loaded machine can miss.
        await using SandboxServer slow = await SandboxServer.StartAsync(new SandboxOptions { TimeScale = 10, NoGateway = true });
        Uri b = slow.BaseUri;
        Task<Reply> P(string path, object body) => Send(System.Net.Http.HttpMethod.Post, path, body, baseUri: b);
        Task<JsonNode> Ended(string id) => Until(async () =>
        {
            JsonNode c = (await Send(System.Net.Http.HttpMethod.Get, $"/v1/calls/{id}", null, baseUri: b)).Json!;
            return Str(c["status"]) is "initiating" or "ringing" or "in-progress" ? null : c;
        }, $"call {id} to end");

        string first = Str((await P("/v1/calls", new { to = "+15558880005" }))["call_id"]);
        Assert.Equal("no-answer", Str((await Ended(first))["status"]));
        string second = Str((await P("/v1/calls", new { to = "+15558880005" }))["call_id"]);
        await Until(async () => Str((await Send(System.Net.Http.HttpMethod.Get, $"/v1/calls/{second}", null, baseUri: b))["status"]) == "in-progress" ? "" : null, "the call to be answered", 10);
        Reply ended = await P($"/v1/calls/{second}/end", new { });
        Assert.Equal(200, ended.Status);
        Assert.Equal("completed", Str(ended["status"]));
        Assert.Equal("user_ended", Str(ended["reason"]));
        Assert.Equal("user_ended", Str((await P($"/v1/calls/{second}/end", new { reason = "again" }))["reason"])); // unchanged
        string third = Str((await P("/v1/calls", new { to = "+15558880006" }))["call_id"]);
        Reply early = await P($"/v1/calls/{third}/end", new { reason = "changed my mind" });
        Assert.Equal("canceled", Str(early["status"]));
        Assert.Equal(404, (await Post("/v1/calls/call_nope/end", new { })).Status);
    }

    [Fact]
    public async Task Free_plan_cannot_call_external_numbers()
    {
        JsonNode account = (await Post("/_sandbox/account", new { plan = "free", owner_phone = "+15550004242" })).Json!;
        Assert.Equal("free", Str(account["plan"]));
        Reply external = await Post("/v1/calls", new { to = "+15551230007" });
        Assert.Equal(403, external.Status);
        Assert.Equal("paid_plan_required", external.ErrorCode);
        Reply owner = await Post("/v1/calls", new { });
        Assert.Equal(201, owner.Status);
        Assert.Equal("+15550004242", Str(owner["to"]));
        Assert.Equal(422, (await Post("/v1/calls", new { to = "12345" })).Status);
        await Post("/_sandbox/reset");
        Assert.Equal("paid", Str((await Get("/_sandbox/account"))["plan"])); // reset puts the seed plan back
    }

    [Fact]
    public async Task Sms_is_sent_listed_and_grouped()
    {
        Reply sent = await Post("/v1/messages/send", new { to = "+15551230007", message = "Hello", media_urls = new[] { "https://x/y.png" } });
        Assert.Equal(201, sent.Status);
        Assert.StartsWith("msg_", Str(sent["id"]), System.StringComparison.Ordinal);
        Assert.Equal("+12125550101", Str(sent["from"]));
        await Post("/v1/messages/send", new { to = "+15551230008", message = "Second" });
        await Post("/_sandbox/sms/inbound", new { from = "+15551230007", body = "Reply!" });

        Reply failed = await Post("/v1/messages/send", new { to = "+15551230004", message = "x" });
        Assert.Equal(422, failed.Status);
        Assert.Equal("message_failed", failed.ErrorCode);
        Assert.Equal(422, (await Post("/v1/messages/send", new { to = "+15551230007" })).Status);
        Assert.Equal(422, (await Post("/v1/messages/send", new { to = "nope", message = "x" })).Status);

        Reply all = await Get("/v1/messages");
        Assert.Equal(4, all["pagination"]["total"]!.GetValue<int>());
        Assert.Equal("failed", Str(all["messages"][0]!["status"])); // newest first; a failed send is listed too
        Assert.Equal("Reply!", Str(all["messages"][1]!["body"]));
        Reply inbound = await Get("/v1/messages?direction=inbound");
        Assert.Equal("inbound", Str(Assert.Single(inbound["messages"].AsArray())!["direction"]));
        Reply contact = await Get("/v1/messages?contact=%2B15551230007&limit=1");
        Assert.Single(contact["messages"].AsArray());
        Assert.Equal(2, contact["pagination"]["total"]!.GetValue<int>());
        Assert.Equal(422, (await Get("/v1/messages?direction=sideways")).Status);

        JsonArray conversations = (await Get("/v1/messages/conversations"))["conversations"].AsArray();
        JsonNode c7 = conversations.Single(c => Str(c!["contact"]) == "+15551230007")!;
        Assert.Equal("Reply!", Str(c7["last_message"])); // the text, a string (contract)
        Assert.Equal(2, c7["message_count"]!.GetValue<int>());
        Assert.Equal(3, conversations.Count); // +15551230007, +15551230008 and the failed +15551230004
    }

    [Fact]
    public async Task Approvals_are_answered_listed_and_expire()
    {
        Reply created = await Post("/v1/approvals", new { action = "Send an email", details = "to Bob", require_biometric = false, expires_in = 3600 });
        Assert.Equal(201, created.Status);
        string id = Str(created["request_id"]);
        Assert.Equal(1, created["devices_notified"].GetValue<int>());
        Assert.Equal(0, created["devices_failed"].GetValue<int>());
        Assert.Equal("pending", Str((await Get($"/v1/approvals/{id}"))["status"]));
        Assert.Equal(id, Str(Assert.Single((await Get("/v1/approvals?status=pending"))["approvals"].AsArray())!["request_id"]));

        Reply answered = await Post($"/_sandbox/approvals/{id}/respond", new { decision = "approved" });
        Assert.Equal("approved", Str(answered["status"]));
        Assert.False(answered["delivered"].GetValue<bool>()); // no WebSocket client
        Assert.Equal("approved", Str((await Get($"/v1/approvals/{id}"))["status"]));
        Assert.Empty((await Get("/v1/approvals?status=pending"))["approvals"].AsArray());

        string quick = Str((await Post("/v1/approvals", new { action = "Deploy", require_biometric = true, expires_in = 30 }))["request_id"]);
        await Until(async () => Str((await Get($"/v1/approvals/{quick}"))["status"]) == "expired" ? "" : null, "the approval to expire");
        Assert.Single((await Get("/v1/approvals?status=expired"))["approvals"].AsArray());
        Assert.Equal(2, (await Get("/v1/approvals"))["approvals"].AsArray().Count);

        await Post("/_sandbox/devices", new { count = 0 });
        Reply none = await Post("/v1/approvals", new { action = "x", require_biometric = false, expires_in = 60 });
        Assert.Equal(0, none["devices_notified"].GetValue<int>());
        Assert.Equal(0, none["devices_failed"].GetValue<int>());
        await Post("/_sandbox/devices", new { count = 0, failed = 2 });
        Assert.Equal(2, (await Post("/v1/approvals", new { action = "x", expires_in = 60 }))["devices_failed"].GetValue<int>());

        Assert.Equal(422, (await Post("/v1/approvals", new { expires_in = 60 })).Status);
        Assert.Equal(422, (await Post("/v1/approvals", new { action = "x", expires_in = -1 })).Status);
        Assert.Equal(422, (await Get("/v1/approvals?status=maybe")).Status);
        Assert.Equal(404, (await Get("/v1/approvals/apr_nope")).Status);
        Assert.Equal(404, (await Post("/_sandbox/approvals/apr_nope/respond", new { decision = "denied" })).Status);
        Assert.Equal(400, (await Post($"/_sandbox/approvals/{id}/respond", new { decision = "perhaps" })).Status);
    }
}
