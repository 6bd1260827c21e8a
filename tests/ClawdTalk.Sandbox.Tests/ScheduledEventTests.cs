using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace ClawdTalk.Sandbox.Tests;

public sealed class ScheduledEventTests : SandboxTests
{
    public ScheduledEventTests(SandboxFixture f) : base(f) { }

    [Theory]
    [InlineData("+15551230001", "failed", "no-answer", false)]
    [InlineData("+15551230002", "failed", "busy", false)]
    [InlineData("+15551230003", "completed", "completed", true)]
    [InlineData("+15551230004", "failed", "failed", false)]
    [InlineData("+15551230005", "failed", "no-answer", false)]
    [InlineData("+15551230007", "completed", "completed", true)]
    public async Task Magic_numbers_decide_scheduled_calls(string to, string status, string callStatus, bool conversation)
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        JsonNode ev = await ScheduleCall(aid, to, mid, rid);
        Assert.Equal("pending", Str(ev["status"]));
        Assert.Null(ev["call_status"]);
        Assert.Equal(0, ev["retry_count"]!.GetValue<int>());

        JsonNode done = await Terminal(aid, Str(ev["id"]));
        Assert.Equal(status, Str(done["status"]));
        Assert.Equal(callStatus, Str(done["call_status"]));
        Assert.Equal(conversation, done["conversation_id"] is not null);
        if (to.EndsWith("0003", StringComparison.Ordinal)) Assert.Equal("voicemail", Str(done["outcome"]));
    }

    [Fact]
    public async Task Number_ending_0005_answers_on_the_second_attempt()
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        JsonNode first = await Terminal(aid, Str((await ScheduleCall(aid, "+15557770005", mid, rid))["id"]));
        Assert.Equal("no-answer", Str(first["call_status"]));
        JsonNode second = await Terminal(aid, Str((await ScheduleCall(aid, "+15557770005", mid, rid))["id"]));
        Assert.Equal("completed", Str(second["call_status"]));
        Assert.NotNull(second["conversation_id"]);
    }

    [Fact]
    public async Task Events_run_at_their_scheduled_time_on_the_sandbox_clock_and_its_times_agree()
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        JsonNode ev = await ScheduleCall(aid, "+15551239999", mid, rid, ahead: 180);
        JsonNode done = await Terminal(aid, Str(ev["id"]));
        watch.Stop();
        DateTimeOffset T(string name) => DateTimeOffset.Parse(Str(done[name]), CultureInfo.InvariantCulture);
        // one clock: never started before its time, and a call of 10 s ringing and 60 s talk lasts 70 s between its timestamps
        Assert.True(T("started_at") >= T("scheduled_at"), $"started {T("started_at"):O} before its time {T("scheduled_at"):O}");
        Assert.True(T("scheduled_at") - T("created_at") >= TimeSpan.FromSeconds(180), "scheduled at least 180 s after it was received");
        double took = (T("ended_at") - T("started_at")).TotalSeconds;
        Assert.InRange(took, 70, 70 + 5 * SandboxFixture.Scale); // late only by the ticker and load (real seconds at the scale)
        Assert.Equal(60, done["duration_seconds"]!.GetValue<int>());
        // and that clock runs Scale times faster than the real one: 250 s of it took about 250 / Scale real seconds
        Assert.InRange(watch.Elapsed.TotalSeconds, 250 / SandboxFixture.Scale, 10);
        // every answer is dated by it
        Reply r = await Get($"/v1/assistants/{aid}/events/{Str(ev["id"])}");
        DateTimeOffset date = r.Raw.Headers.Date!.Value;
        Assert.InRange(date, T("ended_at").AddSeconds(-1), Server.Now.AddSeconds(1));
    }

    [Fact]
    public async Task A_call_walks_pending_ringing_in_progress_completed()
    {
        // A slower clock (scale 60) so each phase lasts long enough to be seen: start in ~1 s, ring 0.17 s, talk 1 s.
        await using SandboxServer slow = await SandboxServer.StartAsync(new SandboxOptions { TimeScale = 60, NoGateway = true });
        Uri b = slow.BaseUri;
        string mid = Str((await Send(System.Net.Http.HttpMethod.Post, "/v1/missions", new { name = "M", instructions = "" }, baseUri: b))["mission"]["id"]);
        string rid = Str((await Send(System.Net.Http.HttpMethod.Post, $"/v1/missions/{mid}/runs", new { input = new { original_request = "x" } }, baseUri: b))["data"]["run_id"]);
        string aid = Str((await Send(System.Net.Http.HttpMethod.Post, "/v1/assistants", new { name = "A" }, baseUri: b))["assistant"]["id"]);
        Reply created = await Send(System.Net.Http.HttpMethod.Post, $"/v1/assistants/{aid}/events",
            new { channel = "call", to = "+15551234567", from = "+12125550103", scheduled_at = In(61, slow), mission_id = mid, run_id = rid }, baseUri: b);
        string eid = Str(created["event"]["id"]);

        var seen = new List<string>();
        await Until(async () =>
        {
            JsonNode ev = (await Send(System.Net.Http.HttpMethod.Get, $"/v1/assistants/{aid}/events/{eid}", null, baseUri: b))["event"];
            string phase = Str(ev["status"]) + "/" + (ev["call_status"]?.GetValue<string>() ?? "-");
            if (seen.Count == 0 || seen[^1] != phase) seen.Add(phase);
            return Str(ev["status"]) == "completed" ? ev : null;
        }, "the slow call to complete");
        Assert.Equal(new[] { "pending/-", "in_progress/ringing", "in_progress/in-progress", "completed/completed" }, seen);
    }

    [Fact]
    public async Task Steps_complete_and_the_run_succeeds_when_all_its_events_end()
    {
        (string mid, string rid) = await MissionRun(steps: 3);
        await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "running" });
        string aid = await Assistant();
        JsonNode a = await ScheduleCall(aid, "+15551230007", mid, rid, "s1");
        JsonNode far = await ScheduleCall(aid, "+15551230008", mid, rid, "s2", ahead: 3600);
        await Terminal(aid, Str(a["id"]));

        JsonArray steps = (await Get($"/v1/missions/{mid}/runs/{rid}/plan"))["data"]["steps"]!.AsArray();
        Assert.Equal(new[] { "completed", "pending", "pending" }, steps.Select(s => Str(s!["status"])));
        Assert.Equal("running", Str((await Get($"/v1/missions/{mid}/runs/{rid}"))["data"]["status"])); // one event still open

        Assert.Equal(204, (await Delete($"/v1/assistants/{aid}/events/{Str(far["id"])}")).Status);
        JsonNode b = await ScheduleCall(aid, "+15551230002", mid, rid, "s3"); // busy: finished all the same
        await Terminal(aid, Str(b["id"]));
        JsonNode run = await Until(async () =>
        {
            JsonNode r = (await Get($"/v1/missions/{mid}/runs/{rid}"))["data"];
            return Str(r["status"]) == "succeeded" ? r : null;
        }, "the run to succeed");
        Assert.Equal("succeeded", Str(run["status"]));
        steps = (await Get($"/v1/missions/{mid}/runs/{rid}/plan"))["data"]["steps"]!.AsArray();
        Assert.Equal(new[] { "completed", "pending", "completed" }, steps.Select(s => Str(s!["status"]))); // a cancelled event completes no step
    }

    [Fact]
    public async Task A_terminal_run_is_left_alone()
    {
        (string mid, string rid) = await MissionRun();
        await Patch($"/v1/missions/{mid}/runs/{rid}", new { status = "cancelled" });
        string aid = await Assistant();
        await Terminal(aid, Str((await ScheduleCall(aid, "+15551230007", mid, rid, "s1"))["id"]));
        Assert.Equal("cancelled", Str((await Get($"/v1/missions/{mid}/runs/{rid}"))["data"]["status"]));
    }

    [Fact]
    public async Task Insights_are_in_progress_first_then_completed_with_a_score()
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        JsonNode done = await Terminal(aid, Str((await ScheduleCall(aid, "+15551230006", mid, rid))["id"]));
        string conv = Str(done["conversation_id"]);
        JsonNode first = Assert.Single((await Get($"/v1/missions/conversations/{conv}/insights"))["data"].AsArray())!;
        Assert.Equal("in_progress", Str(first["status"]));
        JsonNode second = Assert.Single((await Get($"/v1/missions/conversations/{conv}/insights"))["data"].AsArray())!;
        Assert.Equal("completed", Str(second["status"]));
        JsonArray results = second["conversation_insights"]!.AsArray();
        Assert.Contains("+15551230006", Str(results.Single(r => Str(r!["name"]) == "summary")!["result"]), StringComparison.Ordinal);
        Assert.Equal("7", Str(results.Single(r => Str(r!["name"]) == "score")!["result"])); // last digit 6, plus one

        Assert.Equal(0, (await Post("/_sandbox/insights", new { pending_reads = 0 }))["pending_reads"]!.GetValue<int>());
        JsonNode other = await Terminal(aid, Str((await ScheduleCall(aid, "+15551230009", mid, rid))["id"]));
        JsonNode now = Assert.Single((await Get($"/v1/missions/conversations/{Str(other["conversation_id"])}/insights"))["data"].AsArray())!;
        Assert.Equal("completed", Str(now["status"]));
        Assert.Equal("10", Str(now["conversation_insights"]![1]!["result"]));
    }

    [Fact]
    public async Task Cancelling_keeps_the_event_as_failed_and_canceled()
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        string eid = Str((await ScheduleCall(aid, "+15551230007", mid, rid, ahead: 3600))["id"]);
        Reply deleted = await Delete($"/v1/assistants/{aid}/events/{eid}");
        Assert.Equal(204, deleted.Status);
        JsonNode ev = (await Get($"/v1/assistants/{aid}/events/{eid}"))["event"];
        Assert.Equal("failed", Str(ev["status"]));
        Assert.Equal("canceled", Str(ev["call_status"]));
        Assert.Equal(204, (await Delete($"/v1/assistants/{aid}/events/{eid}")).Status); // idempotent

        string done = Str((await Terminal(aid, Str((await ScheduleCall(aid, "+15551230007", mid, rid))["id"])))["id"]);
        Reply late = await Delete($"/v1/assistants/{aid}/events/{done}");
        Assert.Equal(409, late.Status);
        Assert.Equal("event_not_cancellable", late.ErrorCode);
        Assert.Equal(404, (await Delete($"/v1/assistants/{aid}/events/evt_nope")).Status);
    }

    [Fact]
    public async Task Events_are_listed_per_assistant()
    {
        (string mid, string rid) = await MissionRun();
        string a1 = await Assistant("one"), a2 = await Assistant("two");
        await ScheduleCall(a1, "+15551230007", mid, rid, ahead: 3600);
        await ScheduleCall(a1, "+15551230008", mid, rid, ahead: 3600);
        await ScheduleCall(a2, "+15551230009", mid, rid, ahead: 3600);
        Assert.Equal(2, (await Get($"/v1/assistants/{a1}/events"))["events"].AsArray().Count);
        Assert.Single((await Get($"/v1/assistants/{a2}/events"))["events"].AsArray());
        Assert.Equal(404, (await Get("/v1/assistants/ast_nope/events")).Status);
        string eid = Str((await Get($"/v1/assistants/{a2}/events"))["events"][0]!["id"]);
        Assert.Equal(404, (await Get($"/v1/assistants/{a1}/events/{eid}")).Status); // another assistant's event
    }

    [Fact]
    public async Task Scheduling_validates_like_the_service()
    {
        (string mid, string rid) = await MissionRun();
        string aid = await Assistant();
        string path = $"/v1/assistants/{aid}/events";
        object Call(string to = "+15551230007", string? at = null, string? step = null, string? mission = "m", string? run = "r") => new
        {
            channel = "call", to, from = "+12125550103", scheduled_at = at ?? In(61),
            mission_id = mission == "m" ? mid : mission, run_id = run == "r" ? rid : run, step_id = step,
        };

        Reply soon = await Post(path, Call(at: FromNow(30)));
        Assert.Equal(422, soon.Status);
        Assert.Equal("invalid_scheduled_at", soon.ErrorCode);
        Assert.Equal("invalid_scheduled_at", (await Post(path, Call(at: "tomorrow at noon"))).ErrorCode);
        Assert.Equal("invalid_scheduled_at", (await Post(path, Call(at: "2030-13-45T99:00:00Z"))).ErrorCode);
        Reply phone = await Post(path, Call(to: "555-1234"));
        Assert.Equal(422, phone.Status);
        Assert.Equal("invalid_phone_number", phone.ErrorCode);
        Assert.Equal(422, (await Post(path, Call(mission: null))).Status);
        Assert.Equal(422, (await Post(path, Call(run: null))).Status);
        Assert.Equal(404, (await Post(path, Call(mission: "mis_nope"))).Status);
        Assert.Equal(404, (await Post(path, Call(run: "run_nope"))).Status);
        Assert.Equal(404, (await Post(path, Call(step: "nope"))).Status);
        Assert.Equal(404, (await Post("/v1/assistants/ast_nope/events", Call())).Status);
        Assert.Equal(422, (await Post(path, new { channel = "fax", to = "+15551230007", from = "+12125550103", scheduled_at = In(61) })).Status);
        Assert.Equal(422, (await Post(path, new { channel = "sms", to = "+15551230007", from = "+12125550103", scheduled_at = In(61) })).Status);
        Assert.Equal(400, (await Post(path, "{oops")).Status);
        Assert.Equal(201, (await Post(path, Call(at: Server.Now.AddMinutes(2).AddSeconds(0.5 * SandboxFixture.Scale).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture)))).Status);
    }

    [Fact]
    public async Task Scheduled_sms_is_sent_and_0004_fails()
    {
        string aid = await Assistant();
        object Sms(string to) => new { channel = "sms", to, from = "+12125550102", scheduled_at = In(61), text_body = "Hi there" };
        Reply ok = await Post($"/v1/assistants/{aid}/events", Sms("+15551230007"));
        Assert.Equal(201, ok.Status);
        Assert.Equal("Hi there", Str(ok["event"]["text_body"]));
        Reply bad = await Post($"/v1/assistants/{aid}/events", Sms("+15551230004"));
        JsonNode sent = await Terminal(aid, Str(ok["event"]["id"]));
        JsonNode failed = await Terminal(aid, Str(bad["event"]["id"]));
        Assert.Equal("completed", Str(sent["status"]));
        Assert.Null(sent["call_status"]);
        Assert.Equal("failed", Str(failed["status"]));
        JsonNode message = Assert.Single((await Get("/v1/messages?contact=%2B15551230007"))["messages"].AsArray())!;
        Assert.Equal("outbound", Str(message["direction"]));
        Assert.Equal("Hi there", Str(message["body"]));
    }
}
