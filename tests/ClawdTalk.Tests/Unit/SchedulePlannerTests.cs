using System;
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

        static OutreachTarget T(string phone, DateTimeOffset? at = null) => new OutreachTarget { Input = phone, Phone = phone, At = at };

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
        public void Times_in_the_past_or_under_a_minute_ahead_are_refused_before_anything_is_sent()
        {
            var clock = new Clock { Now = Saturday };
            var past = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => new SchedulePlanner(clock, Saturday.AddMinutes(-1), TimeSpan.Zero, null, null));
            Assert.Equal("ScheduleInPast", past.ErrorId);
            var soon = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => new SchedulePlanner(clock, Saturday.AddSeconds(30), TimeSpan.Zero, null, null));
            Assert.Equal("ScheduleTooSoon", soon.ErrorId);
            var p = new SchedulePlanner(clock, null, TimeSpan.Zero, null, null);
            var own = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => p.Next(T("+12125550142", Saturday.AddSeconds(20)), _ => { }));
            Assert.Equal("ScheduleTooSoon", own.ErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, own.Category);
        }
    }
}
