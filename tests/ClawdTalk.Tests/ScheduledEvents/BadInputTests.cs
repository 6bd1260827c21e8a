using System;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>Bad input gets its own ErrorId, nothing is sent for that target, and the other targets proceed.</summary>
    public sealed class BadInputTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public BadInputTests(FastScheduledEventSandbox sb) => _sb = sb;

        static int Posts(System.Collections.Generic.IEnumerable<JObject> log) =>
            log.Count(e => (string?)e["method"] == "POST" && Regex.IsMatch((string?)e["path"] ?? "", "^/v1/assistants/[^/]+/events$"));

        [Fact]
        public void Each_bad_target_fails_alone_with_its_own_error_and_the_others_are_scheduled()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Bad targets");
            var mark = _sb.Mark();
            var r = ps.Run(@"
                $now = [datetime]::UtcNow
                '+1 303 555 8101',
                '+1 555 000 0000',
                '303 555 8102',
                '+1 303 555 81O3',
                [pscustomobject]@{ Name = 'Past'; Phone = '+1 303 555 8104'; At = $now.AddMinutes(-5) },
                [pscustomobject]@{ Name = 'Soon'; Phone = '+1 303 555 8105'; At = $now.AddSeconds(30) },
                [pscustomobject]@{ Name = 'Ghost'; Phone = '+1 303 555 8106'; AssistantId = 'ast_999999' },
                [pscustomobject]@{ Name = 'No number'; Email = 'x@example.com' },
                [pscustomobject]@{ Name = 'Odd type'; Phone = '+1 303 555 8107'; RecipientType = 'robot' },
                [pscustomobject]@{ Name = 'Later'; Phone = '+1 303 555 8108'; At = $now.AddMinutes(10) } |
                    Register-ClawdTalkCall -Slug $slug -Force", _sb.Vars(("slug", m.Slug)));
            Assert.Null(r.Terminating);
            Assert.Equal(new[] { "InvalidPhoneNumber", "InvalidPhoneNumber", "InvalidPhoneNumber", "ScheduleInPast", "AssistantNotFound", "InvalidTarget", "InvalidRecipientType" },
                r.ErrorIds);
            // half a minute ahead is up to a minute short of the service's minimum: moved to it, with a warning
            Assert.Contains(r.Warnings, w => w.Contains("+13035558105", StringComparison.Ordinal) && w.Contains("moved to", StringComparison.Ordinal));
            Assert.All(r.Errors.Take(3), e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
            Assert.Equal(ErrorCategory.ObjectNotFound, r.Error("AssistantNotFound").CategoryInfo.Category);
            Assert.Equal("+13035558106", r.Error("AssistantNotFound").TargetObject);
            Assert.Equal(new[] { "+13035558101", "+13035558105", "+13035558108" }, r.Objects<ScheduledEvent>().Select(e => e.To).OrderBy(x => x));
            Assert.Equal(new[] { "+13035558101", "+13035558105", "+13035558108" }, ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark)).Keys.OrderBy(x => x));
            Assert.Equal(3, Posts(_sb.Log(mark)));
            ps.Run("Unregister-ClawdTalkScheduledEvent -Slug $slug -Force", _sb.Vars(("slug", m.Slug))).Ok();
        }

        [Fact]
        public void A_text_over_the_limit_fails_for_its_target_only()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Long text");
            var mark = _sb.Mark();
            var r = ps.Run(@"
                @{ Phone = '+1 303 555 8201'; Note = 'short' }, @{ Phone = '+1 303 555 8202'; Note = ('x' * 1700) }, @{ Phone = '+1 303 555 8203'; Note = 'fine' }, @{ Phone = '+1 303 555 8204' } |
                    Register-ClawdTalkSms -Slug $slug -Message 'Note: {{Note}}' -Force", _sb.Vars(("slug", m.Slug)));
            Assert.Equal(new[] { "MessageTooLong", "UnknownTemplateVariable" }, r.ErrorIds);
            Assert.Equal("+13035558202", r.Error("MessageTooLong").TargetObject);
            Assert.Equal(new[] { "+13035558201", "+13035558203" }, ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark), "sms").Keys.OrderBy(x => x));
        }

        [Theory]
        [InlineData("-TimeWindow '09:00-09:00'", "EmptyTimeWindow")]
        [InlineData("-TimeWindow 'Mon-Fri 9 to 5ish'", "InvalidTimeWindow")]
        [InlineData("-TimeWindow '09:00-17:00' -Weekday @()", "EmptyTimeWindow")]
        [InlineData("-At ([datetime]::UtcNow.AddMinutes(-1))", "ScheduleInPast")]
        [InlineData("-TimeZone 'Mars/Olympus_Mons'", "UnknownTimeZone")]
        [InlineData("-ExcludeList 'no-such-file.txt'", "ExcludeListNotFound")]
        [InlineData("-Weekday Monday", "WeekdayWithoutTimeWindow")]
        [InlineData("-Stagger -5", "InvalidStagger")]
        public void Bad_options_stop_the_command_before_anything_is_sent(string options, string errorId)
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Bad options");
            var mark = _sb.Mark();
            var r = ps.Run($"'+1 303 555 8301', '+1 303 555 8302' | Register-ClawdTalkCall -Slug $slug {options} -Force", _sb.Vars(("slug", m.Slug)));
            // one error for the command (it stops before the first target), not one per target
            Assert.Equal(new[] { errorId }, r.ErrorIds);
            Assert.Equal(errorId == "ExcludeListNotFound" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument, r.Error(errorId).CategoryInfo.Category);
            Assert.Empty(r.Output);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void Bad_options_are_said_before_a_connection_is_looked_for()
        {
            // the engine is handed the endpoint clients after its checks: without any connection, the bad option is the error
            using var ps = _sb.NewSession();
            var noKey = ps.Run("Get-ClawdTalkAssistant");
            Assert.Equal(new[] { "NoApiKey" }, noKey.ErrorIds); // this session has no connection to resolve
            var r = ps.Run("'+1 303 555 8351' | Register-ClawdTalkSms -AssistantId ast_1 -From '+1 303 555 8350' -Message 'hi' -Weekday Monday -Force");
            Assert.Equal(new[] { "WeekdayWithoutTimeWindow" }, r.ErrorIds);
        }

        [Fact]
        public void An_empty_text_and_an_unknown_assistant_send_nothing()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Empty");
            var mark = _sb.Mark();
            ps.Run("'+1 303 555 8401' | Register-ClawdTalkSms -Slug $slug -Message '  ' -Force", _sb.Vars(("slug", m.Slug))).Error("EmptyMessage");
            var r = ps.Run("'+1 303 555 8401', '+1 303 555 8402' | Register-ClawdTalkCall -Slug $slug -AssistantId ast_424242 -Force", _sb.Vars(("slug", m.Slug)));
            Assert.Equal(new[] { "AssistantNotFound", "AssistantNotFound" }, r.ErrorIds);
            Assert.Equal(0, Posts(_sb.Log(mark)));
            Assert.Single(_sb.Log(mark), e => ((string?)e["path"] ?? "").EndsWith("/events", StringComparison.Ordinal)); // the assistant is looked up once
        }

        [Fact]
        public void Without_an_agent_or_a_number_there_is_nothing_to_call_with()
        {
            using var ps = _sb.Session();
            var name = $"No agent {Guid.NewGuid():N}"[..21];
            var slug = ps.Run("(Initialize-ClawdTalkMission -Name $name -Instructions x -Request x).Slug", _sb.Vars(("name", name))).Ok().Output.Single().ToString();
            var mark = _sb.Mark();
            ps.Run("'+1 303 555 8501' | Register-ClawdTalkCall -Slug $slug -Force", _sb.Vars(("slug", slug))).Error("AssistantRequired");
            var aid = ps.Run("(New-ClawdTalkAssistant -Name 'Caller without number').AssistantId").Ok().Output.Single().ToString();
            mark = _sb.Mark();
            ps.Run("'+1 303 555 8501' | Register-ClawdTalkCall -Slug $slug -AssistantId $aid -Force", _sb.Vars(("slug", slug), ("aid", aid))).Error("NoCallerNumber");
            Assert.Equal(0, Posts(_sb.Log(mark)));
        }
    }
}
