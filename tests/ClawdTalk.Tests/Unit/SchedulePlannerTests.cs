using System;
using System.Collections.Generic;
using System.Management.Automation;
using ClawdTalk.ScheduledEvents;
using Xunit;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>The planning of Register-ClawdTalkCall/-Sms without the engine, on a clock the test sets.</summary>
    public class SchedulePlannerTests
    {
        sealed class Clock : TimeProvider
        {
            public DateTimeOffset Now;
            public override DateTimeOffset GetUtcNow() => Now;
        }

        // a Saturday noon UTC
        static readonly DateTimeOffset Saturday = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero);

        static EventTarget T(string phone, DateTimeOffset? at = null) => new EventTarget { Input = phone, Phone = phone, At = at };

        [Fact]
        public void Without_At_the_targets_start_90_seconds_ahead_and_follow_the_stagger()
        {
            var clock = new Clock { Now = Saturday.AddMilliseconds(300) };
            var p = new SchedulePlanner(clock, null, TimeSpan.FromMinutes(2), null, null);
            var a = p.Next(T("+12125550142"), _ => { });
            var b = p.Next(T("+12125550143"), _ => { });
            Assert.Equal(Saturday.AddSeconds(91), a.At); // rounded up to a whole second
            Assert.Equal(a.At.AddMinutes(2), b.At);
            Assert.True(a.Flexible);
            Assert.Null(a.Zones);
        }

        [Fact]
        public void A_window_moves_saturday_calls_to_monday_in_each_callees_zone_spaced_by_the_stagger()
        {
            var clock = new Clock { Now = Saturday.AddHours(-1) };
            var p = new SchedulePlanner(clock, Saturday, TimeSpan.FromSeconds(60), TimeWindow.Parse("Mon-Fri 09:00-17:00", null), null);
            var ny1 = p.Next(T("+12125550142"), _ => { });
            var london = p.Next(T("+442079460958"), _ => { });
            var ny2 = p.Next(T("+12125550143"), _ => { });
            Assert.Equal(new DateTimeOffset(2026, 3, 9, 13, 0, 0, TimeSpan.Zero), ny1.At);    // 09:00 America/New_York (EST)
            Assert.Equal(new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero), london.At);  // 09:00 Europe/London
            Assert.Equal(ny1.At.AddSeconds(60), ny2.At);                                       // same opening: spaced
            Assert.False(ny1.Flexible);
            Assert.Equal("Mon-Fri 09:00-17:00", ny1.Window);
            Assert.Contains("Mon 2026-03-09 09:00", ny1.Describe());
        }

        [Fact]
        public void Times_in_the_past_are_refused_and_times_up_to_a_minute_short_of_the_minimum_are_moved_to_it_with_a_warning()
        {
            var clock = new Clock { Now = Saturday };
            var past = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => new SchedulePlanner(clock, Saturday.AddMinutes(-1), TimeSpan.Zero, null, null));
            Assert.Equal("ScheduleInPast", past.ErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, past.Category);

            // -At (Get-Date).AddMinutes(1), planned a moment later: moved to the minimum (a minute ahead, and a margin for the request)
            var warnings = new List<string>();
            var soon = new SchedulePlanner(clock, Saturday.AddSeconds(59.5), TimeSpan.FromMinutes(1), null, null, warnings.Add);
            var first = soon.Next(T("+12125550142", null), _ => { });
            Assert.Equal(Saturday.AddSeconds(65), first.At);
            Assert.True(first.Flexible); // a request that goes later may move it again
            Assert.Equal(Saturday.AddSeconds(125), soon.Next(T("+12125550143", null), _ => { }).At); // the stagger from the moved start
            Assert.Contains("moved to 2026-03-07 12:01:05Z", Assert.Single(warnings));

            // a time far enough ahead is kept as given
            Assert.False(new SchedulePlanner(clock, Saturday.AddMinutes(2), TimeSpan.Zero, null, null).Next(T("+12125550142", null), _ => { }).Flexible);

            // a target's own time: the same rules
            var p = new SchedulePlanner(clock, null, TimeSpan.Zero, null, null);
            var own = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => p.Next(T("+12125550142", Saturday.AddSeconds(-1)), _ => { }));
            Assert.Equal("ScheduleInPast", own.ErrorId);
            var said = new List<string>();
            var moved = p.Next(T("+12125550142", Saturday.AddSeconds(20)), said.Add);
            Assert.Equal(Saturday.AddSeconds(65), moved.At);
            Assert.True(moved.Flexible);
            Assert.Contains("+12125550142", Assert.Single(said));
        }
    }
}
