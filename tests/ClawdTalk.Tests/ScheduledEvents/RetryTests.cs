using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// Retries by policy against the sandbox's magic numbers: 0001 never answers, 0002 is busy, 0005 answers the second
    /// time. Nobody is called more often than the policy allows, and every attempt is in memory and on the run.
    /// </summary>
    public sealed class RetryTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public RetryTests(FastScheduledEventSandbox sb) => _sb = sb;

        [Fact]
        public void Automated_system_policy_retries_no_answer_and_busy_up_to_four_calls_and_stops_at_the_answer()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Retries", "calls");
            var mark = _sb.Mark();
            var r = ps.Run("'+1 212 555 0001', '+1 212 555 0002', '+1 212 555 0005', '+1 212 555 9001' | Register-ClawdTalkCall -Slug $slug -StepId calls -Force | " +
                           "Wait-ClawdTalkEvent -RetryPolicy AutomatedSystem -Force", _sb.Vars(("slug", m.Slug))).Ok();

            var calls = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.Equal(4, calls["+12125550001"]);
            Assert.Equal(4, calls["+12125550002"]);
            Assert.Equal(2, calls["+12125550005"]);
            Assert.Equal(1, calls["+12125559001"]);

            var final = r.Objects<ScheduledEvent>().ToDictionary(e => e.To!);
            Assert.Equal(4, final.Count);
            Assert.Equal((4, "no-answer"), (final["+12125550001"].Attempt, final["+12125550001"].Outcome));
            Assert.Equal((4, "busy"), (final["+12125550002"].Attempt, final["+12125550002"].Outcome));
            Assert.Equal((2, "answered"), (final["+12125550005"].Attempt, final["+12125550005"].Outcome));
            Assert.NotNull(final["+12125550005"].ConversationId);
            Assert.Equal(3, final["+12125550001"].PreviousAttempts.Length);
            Assert.Single(final["+12125550005"].PreviousAttempts);

            // every attempt in memory, chained, each with its outcome
            var records = ScheduledEventSandbox.Records(m.Slug);
            Assert.Equal(11, records.Count);
            var chain = records.Where(x => (string?)x["to"] == "+12125550001").OrderBy(x => (int)x["attempt"]!).ToList();
            Assert.Equal(new[] { 1, 2, 3, 4 }, chain.Select(x => (int)x["attempt"]!));
            for (var i = 1; i < chain.Count; i++) Assert.Equal((string?)chain[i - 1]["retried_by"], (string?)chain[i]["event_id"]);
            Assert.All(chain, x => Assert.Equal("no-answer", (string?)x["outcome"]));
            Assert.All(records, x => Assert.True((bool?)x["logged"] == true && (bool?)x["outcome_logged"] == true));
            // retry n goes 5, 10, then 15 minutes after the attempt before it ended (on the sandbox's one clock): never sooner, and
            // later only by the wait's check that saw it fail and the requests between (a few real seconds at most, at the scale)
            var retries = _sb.Events(m).Where(e => ((string?)e["payload"]?["client_key"] ?? "").StartsWith("retry:", StringComparison.Ordinal) && (string?)e["payload"]?["to"] == "+12125550001").ToList();
            Assert.Equal(3, retries.Count);
            for (var i = 0; i < 3; i++)
            {
                var failed = _sb.ScheduledEvent(m.AssistantId!, (string)retries[i]["payload"]!["scheduled_event_id"]!);
                var lead = DateTimeOffset.Parse((string)retries[i]["payload"]!["retry"]!["scheduled_at"]!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)failed["ended_at"]!, CultureInfo.InvariantCulture);
                Assert.InRange(lead.TotalSeconds, 300 * (i + 1), 300 * (i + 1) + 3 * _sb.Scale);
            }

            // and on the timeline: 4 scheduled, 7 retries (each with the failed attempt's outcome), 4 final outcomes
            var keys = _sb.Events(m).Select(e => (string?)e["payload"]?["client_key"]).Where(k => k != null).ToList();
            Assert.Equal(4, keys.Count(k => k!.StartsWith("scheduled:", StringComparison.Ordinal)));
            Assert.Equal(7, keys.Count(k => k!.StartsWith("retry:", StringComparison.Ordinal)));
            Assert.Equal(4, keys.Count(k => k!.StartsWith("outcome:", StringComparison.Ordinal)));
            Assert.Contains(_sb.Events(m), e => (string?)e["summary"] == "Call to +12125550001 not reached (no-answer) on attempt 4");
        }

        [Fact]
        public void MaxAttempts_caps_any_policy_and_ByRecipientType_retries_only_typed_targets()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Capped");
            var mark = _sb.Mark();
            ps.Run(@"[pscustomobject]@{ Phone = '+1 646 555 0001'; RecipientType = 'AutomatedSystem' }, '+1 646 555 0002' |
                     Register-ClawdTalkCall -Slug $slug -Force | Wait-ClawdTalkEvent -RetryPolicy ByRecipientType -MaxAttempts 2 -Force",
                _sb.Vars(("slug", m.Slug))).Ok();
            var calls = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.Equal(2, calls["+16465550001"]);
            Assert.Equal(1, calls["+16465550002"]);

            mark = _sb.Mark();
            var r = ps.Run("'+1 718 555 0002' | Register-ClawdTalkCall -Slug $slug -Force | Wait-ClawdTalkEvent -MaxAttempts 3 -RetryDelay 120 -Force -Verbose",
                _sb.Vars(("slug", m.Slug))).Ok();
            var busy = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.True(busy["+17185550002"] == 3, string.Join("\n", r.Verbose));
        }

        [Fact]
        public void WhatIf_shows_the_professional_retry_on_the_next_business_day_without_calling_again()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Professional");
            var events = ps.Run("'+1 415 555 0001' | Register-ClawdTalkCall -Slug $slug -Force", _sb.Vars(("slug", m.Slug))).Ok().Output.Select(o => o.BaseObject).ToArray();
            var mark = _sb.Mark();
            var r = ps.Run("$events | Wait-ClawdTalkEvent -RetryPolicy Professional -WhatIf", _sb.Vars(("events", events))).Ok();
            var final = r.Single<ScheduledEvent>();
            Assert.Equal("no-answer", final.Outcome);
            Assert.Equal(1, final.Attempt);
            var line = Assert.Single(r.HostText.Split('\n'), l => l.StartsWith("What if:", StringComparison.Ordinal));
            Assert.Contains("Schedule retry 1 (attempt 2 of at most 3, Professional)", line);
            // the same local time (Los Angeles) on the next weekday
            var la = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
            var scheduled = TimeZoneInfo.ConvertTime(((ScheduledEvent)events[0]).ScheduledAt!.Value, la);
            var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, la).Date.AddDays(1);
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
            var expected = DateTime.SpecifyKind(day + scheduled.TimeOfDay, DateTimeKind.Unspecified);
            var utc = new DateTimeOffset(expected, la.GetUtcOffset(expected)).ToUniversalTime();
            Assert.Contains($"at {utc:yyyy-MM-dd HH:mm:ss}Z", line);
            Assert.Empty(ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark)));
        }
    }
}
