using System.Collections.Generic;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;
using Reply = ClawdTalk.Tests.Harness.ScriptedServer.Reply;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// The response shapes the contract allows besides the sandbox's, and the lost-answer paths of a schedule request,
    /// against a scripted loopback server.
    /// </summary>
    public class ShapeTests
    {
        // Register without -StepId reads the run's plan first (none: the call belongs to no step), and the run right before
        // its first request (running: nothing to open again)
        static readonly Reply NoPlan = new(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no plan\"}}");
        static readonly Reply Running = new(200, "{\"data\":{\"id\":\"r1\",\"status\":\"running\"}}");

        const string Register = "Register-ClawdTalkCall -MissionId m1 -RunId r1 -AssistantId a1 -From '+1 303 555 0100' -To '+1 303 555 1234' -At '2030-01-01T10:00:00Z' -Force";

        static (PsSession ps, Dictionary<string, object?> vars) Connected(ScriptedServer server)
        {
            var key = Keys.NewApiKey();
            var ps = new PsSession().Secret(key);
            var vars = new Dictionary<string, object?> { ["key"] = SecureStrings.From(key), ["url"] = server.Url };
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url -MaxRetryCount 0", vars).Ok();
            return (ps, vars);
        }

        static int SchedulePosts(ScriptedServer s) => s.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/assistants/a1/events"));

        [Theory]
        [InlineData("{\"event\":{\"id\":\"e1\",\"status\":\"pending\"}}", "e1")]
        [InlineData("{\"data\":{\"id\":\"e2\",\"status\":\"scheduled\"}}", "e2")]
        [InlineData("{\"id\":\"e3\",\"status\":\"queued\",\"to\":\"+13035551234\"}", "e3")]
        public void A_scheduled_event_is_read_from_every_envelope(string created, string id)
        {
            using var server = new ScriptedServer().Then(NoPlan, new Reply(200, "{\"data\":[]}"), Running, new Reply(201, created), new Reply(201, "{\"data\":{\"id\":\"rev1\"}}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var ev = ps.Run(Register).Ok().Single<ScheduledEvent>();
                Assert.Equal(id, ev.EventId);
                Assert.Equal(ScheduledEventStatus.Pending, ev.Status);
                Assert.Equal("+13035551234", ev.To);
                Assert.Equal("a1", ev.AssistantId);
                Assert.Equal(("m1", "r1"), (ev.MissionId, ev.RunId));
                Assert.Equal(1, SchedulePosts(server));
                var runEvent = JObject.Parse(server.Requests.Last().Body);
                Assert.Equal("scheduled:" + id, (string?)runEvent["payload"]!["client_key"]);
            }
        }

        [Fact]
        public void A_lost_answer_is_adopted_when_the_list_shows_the_event_landed()
        {
            using var server = new ScriptedServer().Then(
                NoPlan,
                new Reply(200, "{\"events\":[]}"),
                Running,
                new Reply(0, Reset: true),
                new Reply(200, "{\"data\":[{\"id\":\"e8\",\"to\":\"+13035551234\",\"scheduled_at\":\"2030-01-01T10:00:00.000Z\",\"run_id\":\"other\"},"
                               + "{\"id\":\"e9\",\"to\":\"+13035551234\",\"scheduled_at\":\"2030-01-01T10:00:00.000Z\",\"run_id\":\"r1\",\"status\":\"pending\"}]}"),
                new Reply(201, "{\"data\":{\"id\":\"rev1\"}}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var ev = ps.Run(Register).Ok().Single<ScheduledEvent>();
                Assert.Equal("e9", ev.EventId);
                Assert.Equal(1, SchedulePosts(server));
            }
        }

        [Fact]
        public void A_lost_answer_is_sent_again_only_when_the_list_proves_it_did_not_land()
        {
            using var server = new ScriptedServer().Then(
                NoPlan,
                new Reply(200, "{\"events\":[]}"),
                Running,
                new Reply(0, Reset: true),
                new Reply(200, "{\"events\":[{\"id\":\"e7\",\"to\":\"+13035559999\",\"scheduled_at\":\"2030-01-01T10:00:00Z\"}]}"),
                new Reply(201, "{\"event\":{\"id\":\"e10\",\"status\":\"pending\"}}"),
                new Reply(201, "{\"data\":{\"id\":\"rev1\"}}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                Assert.Equal("e10", ps.Run(Register).Ok().Single<ScheduledEvent>().EventId);
                Assert.Equal(2, SchedulePosts(server));
            }
        }

        [Fact]
        public void A_lost_answer_that_the_list_cannot_settle_is_never_sent_again()
        {
            using var server = new ScriptedServer().Then(
                NoPlan,
                new Reply(200, "{\"events\":[]}"),
                Running,
                new Reply(0, Reset: true),
                new Reply(200, "{\"events\":[{\"id\":\"x1\",\"status\":\"pending\"}]}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run(Register);
                r.Error("ScheduleOutcomeUnknown", System.Management.Automation.ErrorCategory.OperationTimeout);
                Assert.Empty(r.Output);
                Assert.Equal(1, SchedulePosts(server));
            }
        }

        [Fact]
        public void Wait_reads_data_lists_other_status_spellings_and_single_events_missing_from_the_list()
        {
            using var server = new ScriptedServer().Then(
                new Reply(200, "{\"data\":[{\"id\":\"e1\",\"status\":\"completed\",\"call_status\":\"completed\",\"conversation_id\":\"c1\",\"outcome\":\"answered\"},"
                               + "{\"id\":\"e2\",\"status\":\"failed\",\"call_status\":\"canceled\"}]}"),
                new Reply(200, "{\"id\":\"e3\",\"status\":\"failed\",\"call_status\":\"no_answer\",\"to\":\"+13035550001\"}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                var r = ps.Run("'e1', 'e2', 'e3' | ForEach-Object { [pscustomobject]@{ AssistantId = 'a1'; EventId = $_ } } | Wait-ClawdTalkEvent -PollInterval 0.05").Ok();
                var done = r.Objects<ScheduledEvent>().ToDictionary(e => e.EventId);
                Assert.Equal(3, done.Count);
                Assert.Equal(("c1", "answered"), (done["e1"].ConversationId, done["e1"].Outcome));
                Assert.True(done["e2"].IsCanceled);
                Assert.False(done["e2"].IsRetryable);
                Assert.True(done["e3"].IsRetryable);
                Assert.Equal(new[] { "/v1/assistants/a1/events", "/v1/assistants/a1/events/e3" }, server.Requests.Select(q => q.Path));
            }
        }

        [Fact]
        public void Assistant_pages_without_a_page_count_and_numbers_in_other_envelopes_are_read()
        {
            var page = string.Join(",", Enumerable.Range(1, 100).Select(i => $"{{\"id\":\"a{i}\",\"name\":\"n{i}\"}}"));
            using var server = new ScriptedServer().Then(
                new Reply(200, "{\"data\":[" + page + "],\"meta\":{\"total\":102}}"),
                new Reply(200, "{\"data\":[{\"id\":\"a101\",\"name\":\"n101\"},{\"id\":\"a102\",\"name\":\"n102\"}],\"meta\":{\"total\":102}}"),
                new Reply(200, "{\"numbers\":[{\"id\":\"p1\",\"phone_number\":\"+13035550100\"},{\"id\":\"p2\",\"phone_number\":\"+13035550101\",\"connection_id\":\"c1\"}]}"));
            var (ps, _) = Connected(server);
            using (ps)
            {
                Assert.Equal(102, ps.Run("Get-ClawdTalkAssistant").Ok().Objects<Assistant>().Count);
                Assert.Equal(2, server.Requests.Count);
                var free = ps.Run("Get-ClawdTalkPhoneNumber -Available").Ok().Single<AccountPhoneNumber>();
                Assert.Equal("p1", free.PhoneNumberId);
            }
        }
    }
}
