using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ApiJson = ClawdTalk.Api.Json;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>The resilience contract of the one HTTP pipeline, against a scripted loopback server.</summary>
    public class ApiClientTests
    {
        static ApiClient Client(ScriptedServer s, int retries = 3) =>
            new(new ClawdTalkConnection(new Uri(s.Url + "/v1/"), Keys.NewApiKey(), "test")
            {
                MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromSeconds(2), TotalTimeout = TimeSpan.FromSeconds(20),
            });

        static ScriptedServer.Reply R(int status, string body = "", string? retryAfter = null) =>
            new(status, body, retryAfter == null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter });

        [Fact]
        public async Task Get_is_retried_on_429_and_503_and_obeys_Retry_After()
        {
            using var s = new ScriptedServer().Then(R(429, "{\"error\":\"slow down\"}", "1"), R(503), R(200, "{\"mission\":{\"id\":\"m1\"}}"));
            var log = new List<string>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await Client(s).GetAsync("missions/m1", CancellationToken.None, log.Add);
            Assert.Equal("m1", (string?)ApiJson.Unwrap(result, "mission")!["id"]);
            Assert.Equal(3, s.Requests.Count);
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not obeyed");
            Assert.Contains(log, l => l.Contains("retry 1 of 3 after HTTP 429"));
        }

        [Fact]
        public async Task Get_gives_up_after_three_retries_with_the_mapped_error()
        {
            using var s = new ScriptedServer { Fallback = R(502, "bad gateway") };
            var ex = await Assert.ThrowsAsync<ClawdTalkApiException>(() => Client(s).GetAsync("missions/m1", CancellationToken.None, resource: "Mission"));
            Assert.Equal("ServerError", ex.ErrorId);
            Assert.Equal(4, s.Requests.Count);
        }

        [Fact]
        public async Task Get_is_retried_after_a_dropped_connection()
        {
            using var s = new ScriptedServer().Then(new ScriptedServer.Reply(0, Reset: true), R(200, "{\"data\":{\"id\":\"x\"}}"));
            var r = await Client(s).GetAsync("missions/x", CancellationToken.None);
            Assert.Equal("x", (string?)ApiJson.Unwrap(r)!["id"]);
            Assert.Equal(2, s.Requests.Count);
        }

        [Fact]
        public async Task Create_is_not_retried_after_a_dropped_connection_and_says_the_outcome_is_unknown()
        {
            using var s = new ScriptedServer().Then(new ScriptedServer.Reply(0, Reset: true));
            var ex = await Assert.ThrowsAsync<RequestOutcomeUnknownException>(() =>
                Client(s).SendAsync(HttpMethod.Post, "missions", new JObject { ["name"] = "n" }, RequestKind.Create, CancellationToken.None));
            Assert.Equal("RequestOutcomeUnknown", ex.ErrorId);
            Assert.Single(s.Requests);
        }

        [Fact]
        public async Task A_lost_schedule_answer_whose_list_cannot_be_read_is_an_unknown_outcome_never_a_second_send()
        {
            // the POST's answer is lost (reset), then every read of the assistant's events fails: whether it landed is
            // unknown, so it is not sent again and the error says so (callers keep the target's reservation on it)
            using var s = new ScriptedServer { Fallback = R(503, "{\"message\":\"down\"}") }.Then(new ScriptedServer.Reply(0, Reset: true));
            var events = new ScheduledEventsApi(Client(s, retries: 1), _ => { });
            var body = new JObject { ["channel"] = "call", ["to"] = "+15551230007", ["from"] = "+12125550103", ["scheduled_at"] = "2030-01-01T00:00:00Z" };
            var ex = await Assert.ThrowsAsync<ClawdTalkException>(() => events.CreateOnceAsync("ast_1", body, new List<string>(), CancellationToken.None));
            Assert.Equal("ScheduleOutcomeUnknown", ex.ErrorId);
            Assert.Contains("could not be read", ex.Message);
            Assert.Single(s.Requests, r => r.Method == "POST");
            Assert.Contains(s.Requests, r => r.Method == "GET");
        }

        [Fact]
        public async Task Create_is_not_retried_after_a_timeout_or_a_500()
        {
            using (var s = new ScriptedServer().Then(new ScriptedServer.Reply(0, Hang: true)))
            {
                var c = Client(s);
                c.Connection.AttemptTimeout = TimeSpan.FromMilliseconds(300);
                await Assert.ThrowsAsync<RequestOutcomeUnknownException>(() =>
                    new ApiClient(c.Connection).SendAsync(HttpMethod.Post, "calls", new JObject(), RequestKind.Create, CancellationToken.None));
                Assert.Single(s.Requests);
            }
            using (var s = new ScriptedServer().Then(R(500, "{\"message\":\"boom\"}")))
            {
                var ex = await Assert.ThrowsAsync<ClawdTalkApiException>(() => Client(s).SendAsync(HttpMethod.Post, "calls", new JObject(), RequestKind.Create, CancellationToken.None));
                Assert.Equal("ServerError", ex.ErrorId);
                Assert.Contains("boom", ex.Message);
                Assert.Single(s.Requests);
            }
        }

        [Fact]
        public async Task Create_is_retried_when_it_provably_did_not_reach_the_service()
        {
            using var s = new ScriptedServer().Then(R(503), R(429, "", "0"), R(201, "{\"id\":\"c1\"}"));
            var r = await Client(s).SendAsync(HttpMethod.Post, "calls", new JObject(), RequestKind.Create, CancellationToken.None);
            Assert.Equal("c1", ApiJson.Str(ApiJson.Unwrap(r), "id"));
            Assert.Equal(3, s.Requests.Count);
            Assert.All(s.Requests, q => Assert.Equal("{}", q.Body));
        }

        [Fact]
        public async Task Retry_After_is_capped()
        {
            using var s = new ScriptedServer().Then(R(429, "", "3600"), R(200, "{}"));
            var c = Client(s);
            c.Connection.RetryAfterCap = TimeSpan.FromMilliseconds(200);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await new ApiClient(c.Connection).GetAsync("x", CancellationToken.None);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
            Assert.Equal(2, s.Requests.Count);
        }

        [Fact]
        public async Task Cancellation_ends_a_hung_request()
        {
            using var s = new ScriptedServer().Then(new ScriptedServer.Reply(0, Hang: true));
            var c = Client(s);
            c.Connection.AttemptTimeout = TimeSpan.FromMinutes(5);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ApiClient(c.Connection).GetAsync("x", cts.Token));
        }

        [Theory]
        [InlineData(400, "{\"error\":{\"code\":\"bad\",\"message\":\"m400\"}}", "BadRequest", ErrorCategory.InvalidArgument, "m400")]
        [InlineData(401, "{\"error\":\"m401\"}", "ApiUnauthorized", ErrorCategory.PermissionDenied, "m401")]
        [InlineData(403, "{\"message\":\"m403\"}", "ApiForbidden", ErrorCategory.PermissionDenied, "m403")]
        [InlineData(403, "{\"error\":{\"code\":\"paid_plan_required\",\"message\":\"upgrade\"}}", "PaidPlanRequired", ErrorCategory.PermissionDenied, "upgrade")]
        [InlineData(404, "plain text not found", "MissionNotFound", ErrorCategory.ObjectNotFound, "plain text not found")]
        [InlineData(409, "{}", "Conflict", ErrorCategory.ResourceExists, "Conflict")]
        [InlineData(422, "{\"error\":{\"message\":\"m422\"}}", "ValidationFailed", ErrorCategory.InvalidArgument, "m422")]
        // a failure the service reports as its own (its code says something failed) is not bad input
        [InlineData(422, "{\"error\":{\"code\":\"message_failed\",\"message\":\"not delivered\"}}", "MessageFailed", ErrorCategory.InvalidResult, "could not do it (message_failed): not delivered")]
        [InlineData(400, "{\"error\":{\"code\":\"call_failed\",\"message\":\"no route\"}}", "CallFailed", ErrorCategory.InvalidResult, "no route")]
        [InlineData(422, "{\"code\":\"transcode_failed\",\"error\":\"media broken\"}", "ServiceFailed", ErrorCategory.InvalidResult, "media broken")]
        [InlineData(404, "{\"error\":{\"code\":\"lookup_failed\",\"message\":\"gone\"}}", "MissionNotFound", ErrorCategory.ObjectNotFound, "gone")]
        public async Task Errors_map_to_stable_ids_and_carry_the_server_message(int status, string body, string id, ErrorCategory category, string text)
        {
            using var s = new ScriptedServer().Then(R(status, body));
            var ex = await Assert.ThrowsAsync<ClawdTalkApiException>(() => Client(s, 0).GetAsync("missions/m9", CancellationToken.None, resource: "Mission", target: "m9"));
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(category, ex.Category);
            Assert.Contains(text, ex.Message);
            Assert.Equal("m9", ex.Target);
            var record = ex.ToErrorRecord();
            Assert.Equal(id, record.FullyQualifiedErrorId);
            Assert.Contains(text, record.ErrorDetails.Message);
        }

        [Fact]
        public async Task Malformed_truncated_and_huge_responses_are_reported_not_thrown_raw()
        {
            using (var s = new ScriptedServer().Then(R(200, "{\"mission\": {\"id\": ")))
            {
                var ex = await Assert.ThrowsAsync<ClawdTalkApiException>(() => Client(s).GetAsync("m", CancellationToken.None));
                Assert.Equal("InvalidServerResponse", ex.ErrorId);
            }
            using (var s = new ScriptedServer().Then(R(200, "[" + string.Join(",", Enumerable.Repeat("\"" + new string('x', 1000) + "\"", 17 * 1024)) + "]")))
            {
                var ex = await Assert.ThrowsAsync<ClawdTalkException>(() => Client(s).GetAsync("m", CancellationToken.None));
                Assert.Equal("ResponseTooLarge", ex.ErrorId);
            }
        }

        [Fact]
        public void Envelopes_of_every_listed_shape_unwrap()
        {
            foreach (var text in new[] { "{\"mission\":{\"id\":\"a\"}}", "{\"data\":{\"id\":\"a\"}}", "{\"id\":\"a\"}", "{\"mission_id\":\"a\"}" })
                Assert.Equal("a", ApiJson.Str(ApiJson.Unwrap(ApiJson.Parse(text), "mission"), "id", "mission_id"));
            foreach (var text in new[] { "{\"missions\":[{\"id\":\"a\"}]}", "{\"data\":[{\"id\":\"a\"}]}", "[{\"id\":\"a\"}]" })
                Assert.Equal("a", ApiJson.Str(ApiJson.UnwrapList(ApiJson.Parse(text), "missions").Single(), "id"));
            Assert.Equal("2026-01-01T00:00:00Z", ApiJson.Str((JObject)ApiJson.Parse("{\"t\":\"2026-01-01T00:00:00Z\"}"), "t")); // no date guessing
        }

        [Fact]
        public void Masking_and_redaction()
        {
            Assert.Equal("abcdef…wxyz", Secrets.Mask("abcdefghijklmnopqrstuvwxyz"));
            Assert.DoesNotContain("short", Secrets.Mask("shortkey"));
            Assert.Equal("token=***", Secrets.Redact("token=s3cr3t-value", "s3cr3t-value"));
        }
    }
}
