using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using ApiJson = ClawdTalk.Api.Json;
using Xunit;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>The endpoint clients of Api/ without a cmdlet: paths, envelopes, 404s, fail-closed approvals.</summary>
    public class EndpointClientTests
    {
        static ApiClient Client(ScriptedServer s) =>
            new(new ClawdTalkConnection(new Uri(s.Url + "/v1/"), Keys.NewApiKey(), "test")
            {
                MaxRetries = 0, AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(10),
            });

        static ScriptedServer.Reply R(int status, string body = "") => new(status, body);

        [Theory]
        [InlineData("{\"mission\":{\"id\":\"m1\",\"name\":\"n\"}}")]
        [InlineData("{\"data\":{\"mission_id\":\"m1\",\"name\":\"n\"}}")]
        [InlineData("{\"id\":\"m1\",\"name\":\"n\"}")]
        public async Task Missions_accept_every_shape_the_contract_lists(string body)
        {
            using var s = new ScriptedServer().Then(R(200, body));
            var o = await new MissionsApi(Client(s)).GetMissionAsync("m 1/x", CancellationToken.None);
            Assert.Equal("m1", ApiJson.Str(o, "id", "mission_id"));
            Assert.Equal("/v1/missions/m%201%2Fx", s.Requests.Single().Path);
        }

        [Fact]
        public async Task A_missing_plan_is_null_and_a_missing_run_is_RunNotFound()
        {
            using var s = new ScriptedServer().Then(R(404, "{\"error\":\"no plan\"}"), R(404, "{\"error\":\"no run\"}"));
            var api = new MissionsApi(Client(s));
            Assert.Null(await api.TryGetPlanAsync("m1", "r1", CancellationToken.None));
            var ex = await Assert.ThrowsAsync<ClawdTalkApiException>(() => api.GetRunAsync("m1", "r1", CancellationToken.None));
            Assert.Equal(ErrorIds.RunNotFound, ex.ErrorId);
        }

        [Fact]
        public async Task Assistant_pages_read_meta_in_either_place()
        {
            using var s = new ScriptedServer().Then(R(200, "{\"assistants\":[{\"id\":\"a1\"}],\"meta\":{\"total_pages\":3,\"total\":7}}"));
            var (items, pages, total) = await new AssistantsApi(Client(s)).ListPageAsync(2, 50, "my bot", CancellationToken.None);
            Assert.Equal("a1", items.Single().AssistantId);
            Assert.Equal(3, pages);
            Assert.Equal(7, total);
            Assert.Contains("pageSize=50&page=2&name=my%20bot", s.Requests.Single().Path);
        }

        [Fact]
        public async Task Messages_query_escapes_the_contact()
        {
            using var s = new ScriptedServer().Then(R(200, "{\"messages\":[]}"));
            await new CommsApi(Client(s)).ListMessagesAsync(20, "+12125550100", "inbound", CancellationToken.None);
            Assert.EndsWith("messages?limit=20&contact=%2B12125550100&direction=inbound", s.Requests.Single().Path);
        }

        [Fact]
        public async Task An_approval_that_cannot_be_created_is_an_error_outcome_never_approved()
        {
            using var s = new ScriptedServer().Then(R(503, "down"));
            var outcome = await new ApprovalsApi(Client(s)).RequestAsync("Pay the invoice", null, false, TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.Equal(ApprovalDecision.Error, outcome.Decision);
            Assert.NotNull(outcome.Error);
            Assert.Equal(ApprovalDecision.Error, ApprovalsApi.Map("maybe"));
        }
    }
}
