using System;
using System.Collections.Generic;
using System.Linq;
using ClawdTalk.Api;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>The pure rules under the scheduled-event cmdlets: time windows, poll spacing, retry policies, reading targets, matching a landed event.</summary>
    public class ScheduledEventUnitTests
    {
        static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

        static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

        [Theory]
        [InlineData("09:00-17:00", "Mon-Fri 09:00-17:00")]
        [InlineData("Mon-Fri 9-17", "Mon-Fri 09:00-17:00")]
        [InlineData("weekdays 08:30 - 12:00", "Mon-Fri 08:30-12:00")]
        [InlineData("Sat,Sun 10:00-14:00", "Sat,Sun 10:00-14:00")]
        [InlineData("daily 0-24", "daily 00:00-24:00")]
        [InlineData("Fri-Mon 22:00–02:00", "Mon,Fri-Sun 22:00-02:00")]
        [InlineData("tue thu 0900-1100", "Tue,Thu 09:00-11:00")]
        public void Windows_are_read_in_every_spelling(string text, string canonical) =>
            Assert.Equal(canonical, TimeWindow.Parse(text, null).ToString());

        [Theory]
        [InlineData("09:00-09:00", "EmptyTimeWindow")]
        [InlineData("", "EmptyTimeWindow")]
        [InlineData("9 to 5 maybe", "InvalidTimeWindow")]
        [InlineData("25:00-26:00", "InvalidTimeWindow")]
        [InlineData("Funday 09:00-17:00", "InvalidTimeWindow")]
        [InlineData("09:61-17:00", "InvalidTimeWindow")]
        public void Bad_windows_have_their_own_error_ids(string text, string errorId)
        {
            var ex = Assert.ThrowsAny<ClawdTalkException>(() => TimeWindow.Parse(text, null));
            Assert.Equal(errorId, ex.ErrorId);
        }

        [Fact]
        public void Zones_take_IANA_and_Windows_ids_alike_and_the_numbers_zones_are_found()
        {
            // libphonenumber gives IANA ids; .NET Framework (Windows PowerShell 5.1) knows only Windows ids: TimeZoneConverter maps both ways
            var iana = Zones.Find("America/New_York");
            var windows = Zones.Find("Eastern Standard Time");
            var july = new DateTimeOffset(2027, 7, 1, 16, 0, 0, TimeSpan.Zero);
            Assert.Equal(TimeSpan.FromHours(-4), iana.GetUtcOffset(july));
            Assert.Equal(iana.GetUtcOffset(july), windows.GetUtcOffset(july));
            Assert.Equal(iana.GetUtcOffset(july.AddMonths(6)), windows.GetUtcOffset(july.AddMonths(6)));
            Assert.Equal(TimeSpan.FromHours(-6), Assert.Single(Zones.ForNumber("+13035550100")).GetUtcOffset(july)); // Denver, summer time
            Assert.Equal("UnknownTimeZone", Assert.ThrowsAny<ClawdTalkException>(() => Zones.Find("Mars/Olympus_Mons")).ErrorId);
        }

        [Fact]
        public void A_window_without_days_uses_the_given_days_and_no_days_is_empty()
        {
            Assert.Equal("Sat,Sun 09:00-17:00", TimeWindow.Parse("09:00-17:00", new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }).ToString());
            Assert.Equal("EmptyTimeWindow", Assert.ThrowsAny<ClawdTalkException>(() => TimeWindow.Parse("09:00-17:00", Array.Empty<DayOfWeek>())).ErrorId);
        }

        [Fact]
        public void A_time_outside_the_window_moves_to_its_next_opening_in_the_callees_zone()
        {
            var w = TimeWindow.Parse("Mon-Fri 09:00-17:00", null);
            // Saturday 2026-03-07 15:00Z is Saturday 10:00 EST in New York: next opening Monday 09:00, by then EDT = 13:00Z
            Assert.Equal(Utc(2026, 3, 9, 13), w.NextOpening(Utc(2026, 3, 7, 15), NewYork));
            // Monday 2026-03-09 20:00Z is 16:00 EDT in New York: inside, unchanged
            Assert.Equal(Utc(2026, 3, 9, 20), w.NextOpening(Utc(2026, 3, 9, 20), NewYork));
            // Monday 22:30Z is 18:30 EDT in New York: Tuesday 09:00 EDT = 13:00Z
            Assert.Equal(Utc(2026, 3, 10, 13), w.NextOpening(Utc(2026, 3, 9, 22, 30), NewYork));
            // the same moment in London (Monday 22:30 GMT): Tuesday 09:00 GMT
            Assert.Equal(Utc(2026, 3, 10, 9), w.NextOpening(Utc(2026, 3, 9, 22, 30), London));
        }

        [Fact]
        public void Openings_follow_clock_changes_and_overnight_windows()
        {
            var w = TimeWindow.Parse("daily 02:30-03:30", null);
            // 2026-03-08 is the spring-forward night in New York: 02:30 does not exist, the window opens at 03:00 EDT (07:00Z)
            Assert.Equal(Utc(2026, 3, 8, 7), w.NextOpening(Utc(2026, 3, 8, 5), NewYork));
            var night = TimeWindow.Parse("daily 22:00-02:00", null);
            Assert.True(night.Contains(Utc(2026, 6, 2, 0, 30), London));   // 01:30 BST, still open from the evening before
            Assert.Equal(Utc(2026, 6, 2, 21), night.NextOpening(Utc(2026, 6, 2, 12), London));
        }

        [Fact]
        public void Several_zones_share_the_first_opening_that_suits_all_of_them()
        {
            var w = TimeWindow.Parse("daily 08:00-20:00", null);
            // New York 08:00-20:00 is 12:00-24:00Z (EDT); London 07:00-19:00Z (BST): both open from 12:00Z
            Assert.Equal(Utc(2026, 6, 2, 12), w.NextOpening(Utc(2026, 6, 2, 5), new[] { NewYork, London }));
            // office hours in Tokyo (00:00-08:00Z) and New York (13:00-21:00Z) never overlap
            Assert.Null(TimeWindow.Parse("daily 09:00-17:00", null).NextOpening(Utc(2026, 6, 2, 5), new[] { NewYork, Tokyo }));
        }

        [Fact]
        public void Polls_follow_the_published_guidance_and_the_time_scale()
        {
            Assert.Equal(WaitCadence.Due, WaitCadence.Guidance(TimeSpan.Zero));
            Assert.Equal(WaitCadence.Due, WaitCadence.Guidance(TimeSpan.FromMinutes(-3)));
            Assert.Equal(WaitCadence.WithinHour, WaitCadence.Guidance(TimeSpan.FromMinutes(40)));
            Assert.Equal(WaitCadence.WithinDay, WaitCadence.Guidance(TimeSpan.FromHours(5)));
            Assert.Equal(WaitCadence.Far, WaitCadence.Guidance(TimeSpan.FromDays(10)));
            // never sleeps past the scheduled time
            Assert.Equal(TimeSpan.FromSeconds(91), WaitCadence.Guidance(TimeSpan.FromSeconds(90)));
            // the nearest event decides, divided by the time scale
            Assert.Equal(TimeSpan.FromSeconds(0.5), WaitCadence.Next(new[] { TimeSpan.FromDays(3), TimeSpan.Zero }, 60));
            Assert.Equal(TimeSpan.FromHours(1), WaitCadence.Next(new[] { TimeSpan.FromHours(3) }, 1));
        }

        [Fact]
        public void The_progress_line_takes_the_longest_wording_that_fits_and_counts_down()
        {
            // pwsh's one-line progress view at 80 columns: the activity, brackets and the status in 78
            var activity = "Waiting for 4 calls";
            var full = "1 reached, 1 not reached, 2 open, 2 retried; next check in 4 s";
            var shorter = "1 reached, 1 not reached, 2 open, 2 retried; check in 4 s";
            var shortest = "1 reached, 1 not reached, 2 open; check in 4 s";
            Assert.Equal(full, ClawdTalk.Commands.Base.WaitProgress.Fit(118, activity, false, full, shorter, shortest));
            Assert.Equal(shortest, ClawdTalk.Commands.Base.WaitProgress.Fit(78, activity, false, full, shorter, shortest));
            Assert.True(activity.Length + shortest.Length + 3 <= 78);
            // with a -Timeout, pwsh adds the seconds left inside the bar
            var cut = ClawdTalk.Commands.Base.WaitProgress.Fit(60, activity, true, full, shorter, shortest);
            Assert.EndsWith("…", cut);
            Assert.True(activity.Length + cut.Length + 3 + 6 <= 60);
            Assert.Equal(new[] { "0 s", "1 s", "45 s", "1:00", "4:05", "2 h 05 min" },
                new[] { 0, 0.2, 44.1, 60, 245, 7500 }.Select(s => ClawdTalk.Commands.Base.WaitProgress.Countdown(TimeSpan.FromSeconds(s))));
        }

        [Fact]
        public void Outcomes_are_grouped_once_voicemail_is_not_reached()
        {
            OutcomeGroup G(string? outcome, ScheduledEventStatus status, ScheduledEventChannel channel = ScheduledEventChannel.Call) =>
                new ScheduledEvent { Channel = channel, Status = status, Outcome = outcome }.OutcomeGroup;
            Assert.Equal(OutcomeGroup.Reached, G("answered", ScheduledEventStatus.Completed));
            Assert.Equal(OutcomeGroup.NotReached, G("voicemail", ScheduledEventStatus.Completed));
            Assert.Equal(OutcomeGroup.NotReached, G("busy", ScheduledEventStatus.Failed));
            Assert.Equal(OutcomeGroup.NotReached, G("no-answer", ScheduledEventStatus.Failed));
            Assert.Equal(OutcomeGroup.Cancelled, G("canceled", ScheduledEventStatus.Failed));
            Assert.Equal(OutcomeGroup.Open, G(null, ScheduledEventStatus.InProgress));
            Assert.Equal(OutcomeGroup.Reached, G("sent", ScheduledEventStatus.Completed, ScheduledEventChannel.Sms));
            Assert.Equal(OutcomeGroup.NotReached, G("failed", ScheduledEventStatus.Failed, ScheduledEventChannel.Sms));
            Assert.Equal("2 reached, 1 not reached, 1 open", Outcomes.Counts(new[] { OutcomeGroup.Reached, OutcomeGroup.NotReached, OutcomeGroup.Open, OutcomeGroup.Reached }));
            // a direct call is grouped the same way
            Assert.Equal(OutcomeGroup.NotReached, DirectCall.FromJson(new JObject { ["call_id"] = "c", ["status"] = "completed", ["outcome"] = "voicemail" }).OutcomeGroup);
        }

        static ScheduledEvent Failed(string callStatus, int attempt) =>
            new() { Channel = ScheduledEventChannel.Call, Status = ScheduledEventStatus.Failed, CallStatus = callStatus, Outcome = callStatus, Attempt = attempt };

        [Fact]
        public void Retry_policies_limit_attempts_and_space_them()
        {
            var now = Utc(2026, 3, 6, 15); // a Friday
            Assert.True(RetryRule.AutomatedSystem.ShouldRetry(Failed("no-answer", 3), Array.Empty<string>(), out _));
            Assert.False(RetryRule.AutomatedSystem.ShouldRetry(Failed("no-answer", 4), Array.Empty<string>(), out var why));
            Assert.Contains("at most 4", why);
            Assert.Equal(now.AddMinutes(5), RetryRule.AutomatedSystem.NextTime(1, now, null, null));
            Assert.Equal(now.AddMinutes(15), RetryRule.AutomatedSystem.NextTime(3, now, null, null));
            Assert.Equal(now.AddMinutes(30), RetryRule.Business.NextTime(1, now, null, null));
            Assert.Equal(now.AddHours(2), RetryRule.Business.NextTime(2, now, null, null));
            Assert.False(RetryRule.Business.ShouldRetry(Failed("busy", 3), Array.Empty<string>(), out _));
            // professionals: the next business day at the same local time (Friday 10:00 New York → Monday 10:00)
            Assert.Equal(Utc(2026, 3, 9, 14), RetryRule.Professional.NextTime(1, now, Utc(2026, 3, 6, 15), NewYork));
            Assert.False(RetryRule.Professional.ShouldRetry(Failed("no-answer", 2), new[] { "voicemail" }, out why));
            Assert.Contains("voicemail", why);
            // answered, voicemail and cancelled calls are never retried
            Assert.False(RetryRule.AutomatedSystem.ShouldRetry(new ScheduledEvent { Status = ScheduledEventStatus.Completed, Outcome = "voicemail" }, Array.Empty<string>(), out _));
            Assert.False(RetryRule.AutomatedSystem.ShouldRetry(Failed("canceled", 1), Array.Empty<string>(), out _));
            // -MaxAttempts and -RetryDelay override
            var custom = RetryRule.Business.With(2, TimeSpan.FromMinutes(7));
            Assert.Equal(2, custom.MaxAttempts);
            Assert.Equal(now.AddMinutes(7), custom.NextTime(1, now, null, null));
        }

        [Fact]
        public void Targets_are_read_from_strings_hashtables_and_objects()
        {
            var t = Targets.Read("+1 (212) 555-0142");
            Assert.Equal("+12125550142", t.Phone);
            var h = Targets.Read(new System.Collections.Hashtable { ["Name"] = "Ann", ["Mobile"] = "+44 20 7946 0958", ["Company"] = "Acme", ["RecipientType"] = "business", ["Variables"] = new System.Collections.Hashtable { ["Tier"] = 2 } });
            Assert.Equal("+442079460958", h.Phone);
            Assert.Equal("Ann", h.Name);
            Assert.Equal(RecipientType.Business, h.RecipientType);
            Assert.Equal("Acme", (string?)h.Variables["Company"]);
            Assert.Equal(2, (int)h.Variables["Tier"]!);
            Assert.Equal("Hi Ann from Acme (+442079460958)", Targets.Render("Hi {{Name}} from {{ company }} ({{Phone}})", h));
            Assert.Equal("UnknownTemplateVariable", Assert.ThrowsAny<ClawdTalkException>(() => Targets.Render("Hi {{Nickname}}", h)).ErrorId);
            Assert.Equal("InvalidTarget", Assert.ThrowsAny<ClawdTalkException>(() => Targets.Read(new System.Collections.Hashtable { ["Name"] = "nobody" })).ErrorId);
            Assert.Equal("InvalidPhoneNumber", Assert.ThrowsAny<ClawdTalkException>(() => Targets.Read("212 555 0142")).ErrorId);
            Assert.Equal("InvalidRecipientType", Assert.ThrowsAny<ClawdTalkException>(() => Targets.Read(new System.Collections.Hashtable { ["To"] = "+12125550142", ["RecipientType"] = "robot overlord" })).ErrorId);
        }

        [Fact]
        public void A_landed_event_is_found_by_callee_time_run_and_step_and_never_one_already_owned()
        {
            var body = new JObject { ["channel"] = "call", ["to"] = "+12125550142", ["scheduled_at"] = "2026-03-09T14:00:00Z", ["mission_id"] = "m", ["run_id"] = "r", ["step_id"] = "s" };
            JObject Ev(string id, string to, string at, string run = "r", string? outcome = null) =>
                new() { ["id"] = id, ["channel"] = "call", ["to"] = to, ["scheduled_at"] = at, ["mission_id"] = "m", ["run_id"] = run, ["step_id"] = "s", ["outcome"] = outcome };
            var list = new List<JObject>
            {
                Ev("e1", "+12125550142", "2026-03-09T14:00:00Z", run: "other"),
                Ev("e2", "+12125550142", "2026-03-09T14:00:00.000Z", outcome: "canceled"),
                Ev("e3", "+12125550143", "2026-03-09T14:00:00Z"),
                Ev("e4", "+12125550142", "2026-03-09T14:00:00.000Z"),
            };
            var (found, provable) = ScheduledEventsApi.Find(list, body, new HashSet<string>());
            Assert.True(provable);
            Assert.Equal("e4", (string?)found!["id"]);
            Assert.Null(ScheduledEventsApi.Find(list, body, new HashSet<string> { "e4" }).found);
            // a list without the fields to compare proves nothing
            var (none, unprovable) = ScheduledEventsApi.Find(new List<JObject> { new() { ["id"] = "x", ["status"] = "pending" } }, body, new HashSet<string>());
            Assert.Null(none);
            Assert.False(unprovable);
        }
    }
}
