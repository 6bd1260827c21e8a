using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>Register-ClawdTalkCall/Sms against the sandbox: times, windows, stagger, duplicates, exclusions, reruns, bookkeeping, cancelling.</summary>
    public sealed class ScheduleTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public ScheduleTests(FastScheduledEventSandbox sb) => _sb = sb;

        static List<JObject> SchedulePosts(IEnumerable<JObject> log) =>
            log.Where(e => (string?)e["method"] == "POST" && Regex.IsMatch((string?)e["path"] ?? "", "^/v1/assistants/[^/]+/events$")).Select(e => JObject.Parse((string)e["body"]!)).ToList();

        /// <summary>Noon UTC of the Saturday at least two days after <paramref name="now"/>.</summary>
        static DateTimeOffset NextSaturdayNoonUtc(DateTimeOffset now)
        {
            var d = now.UtcDateTime.Date.AddDays(2);
            while (d.DayOfWeek != DayOfWeek.Saturday) d = d.AddDays(1);
            return new DateTimeOffset(d.AddHours(12), TimeSpan.Zero);
        }

        static DateTimeOffset Local(DateTime localDay, int hour, string zone)
        {
            var z = TimeZoneInfo.FindSystemTimeZoneById(zone);
            var l = DateTime.SpecifyKind(localDay.Date.AddHours(hour), DateTimeKind.Unspecified);
            return new DateTimeOffset(l, z.GetUtcOffset(l)).ToUniversalTime();
        }

        [Fact]
        public void WhatIf_lists_each_target_with_the_time_it_would_ring_in_its_own_zone_and_sends_nothing()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "WhatIf");
            // Saturday noon on the sandbox's clock (it runs faster than this machine's); -At is given on this machine's clock
            var ahead = _sb.Server.Now - DateTimeOffset.UtcNow;
            var saturday = NextSaturdayNoonUtc(_sb.Server.Now);
            var at = saturday - ahead;
            var monday = saturday.UtcDateTime.Date.AddDays(2);
            var mark = _sb.Mark();
            var r = ps.Run(@"
                '+1 212 555 7001', '+44 20 7946 0958', '+1 212 555 7003', [pscustomobject]@{ Phone = '+1 415 555 7002'; Name = 'Tokyo office'; TimeZone = 'Asia/Tokyo' } |
                    Register-ClawdTalkCall -Slug $slug -At $at -Stagger 60 -TimeWindow 'Mon-Fri 09:00-17:00' -WhatIf",
                _sb.Vars(("slug", m.Slug), ("at", at.UtcDateTime))).Ok();
            Assert.Empty(r.Output);
            string When(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var lines = r.HostText.Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, lines.Count);
            Assert.Contains($"Schedule a call at {When(Local(monday, 9, "America/New_York"))} (Mon {monday:yyyy-MM-dd} 09:00 America/New_York)", lines[0]);
            Assert.Contains("+12125557001", lines[0]);
            Assert.Contains($"at {When(Local(monday, 9, "Europe/London"))} (Mon {monday:yyyy-MM-dd} 09:00 Europe/London)", lines[1]);
            // a second target moved to the same opening comes -Stagger later
            Assert.Contains($"at {When(Local(monday, 9, "America/New_York").AddMinutes(1))}", lines[2]);
            // an explicit zone wins over the number's (Saturday noon UTC is Saturday 21:00 in Tokyo: Monday 09:00 there)
            Assert.Contains($"at {When(Local(monday, 9, "Asia/Tokyo"))} (Mon {monday:yyyy-MM-dd} 09:00 Asia/Tokyo)", lines[3]);
            Assert.Contains("Tokyo office", lines[3]);
            Assert.Empty(SchedulePosts(_sb.Log(mark)));
            Assert.DoesNotContain(_sb.Log(mark), e => (string?)e["method"] != "GET");
        }

        [Fact]
        public void At_and_Stagger_reach_the_service_exactly_and_Unregister_cancels_the_rest_with_bookkeeping()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Stagger", "calls");
            var at = DateTimeOffset.UtcNow.AddHours(3);
            at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
            var mark = _sb.Mark();
            var ahead = _sb.Server.Now - DateTimeOffset.UtcNow; // the sandbox's clock runs faster: -At is placed as far ahead on it
            var events = ps.Run("'+1 303 555 7101', '+1 303 555 7102', '+1 303 555 7103' | Register-ClawdTalkCall -Slug $slug -StepId calls -At $at -Stagger 120 -Force",
                _sb.Vars(("slug", m.Slug), ("at", at.UtcDateTime))).Ok().Objects<ScheduledEvent>();
            var aheadAfter = _sb.Server.Now - DateTimeOffset.UtcNow;
            Assert.Equal(3, events.Count);
            var posts = SchedulePosts(_sb.Log(mark));
            var times = posts.OrderBy(p => (string)p["to"]!).Select(p => DateTimeOffset.Parse((string)p["scheduled_at"]!, CultureInfo.InvariantCulture)).ToList();
            Assert.InRange(times[0], at + ahead - TimeSpan.FromSeconds(2), at + aheadAfter + TimeSpan.FromSeconds(2));
            Assert.Equal(new[] { times[0], times[0].AddMinutes(2), times[0].AddMinutes(4) }, times); // -Stagger exactly
            Assert.All(posts, p => { Assert.Equal("call", (string?)p["channel"]); Assert.Equal(m.AgentPhone, (string?)p["from"]); Assert.Equal(m.RunId, (string?)p["run_id"]); Assert.Equal("calls", (string?)p["step_id"]); });
            Assert.All(events, e => { Assert.Equal(m.Slug, e.Slug); Assert.Equal(ScheduledEventStatus.Pending, e.Status); Assert.Equal(1, e.Attempt); });

            // the rest cancelled, recorded and logged once with the reason
            var r = ps.Run("Unregister-ClawdTalkScheduledEvent -Slug $slug -Reason 'goal met' -Force -PassThru", _sb.Vars(("slug", m.Slug))).Ok();
            Assert.Equal(3, r.Objects<ScheduledEvent>().Count);
            Assert.All(_sb.ScheduledEvents(m.AssistantId!).Where(e => events.Any(x => x.EventId == (string?)e["id"])), e => Assert.Equal("canceled", (string?)e["outcome"]));
            Assert.All(ScheduledEventSandbox.Records(m.Slug), rec => { Assert.Equal("canceled", (string?)rec["outcome"]); Assert.Equal("goal met", (string?)rec["cancel_reason"]); });
            var cancelEvents = _sb.Events(m).Where(e => ((string?)e["summary"] ?? "").StartsWith("Cancelled", StringComparison.Ordinal)).ToList();
            var cancel = Assert.Single(cancelEvents);
            Assert.Equal("Cancelled 3 scheduled call(s): goal met", (string?)cancel["summary"]);
            // nothing left to cancel; the cancelled ones do not count as scheduled any more
            ps.Run("Unregister-ClawdTalkScheduledEvent -Slug $slug -Force -PassThru", _sb.Vars(("slug", m.Slug))).Ok();
            Assert.Empty(ps.Run("Get-ClawdTalkScheduledEvent -Slug $slug -Status Pending", _sb.Vars(("slug", m.Slug))).Ok().Output);
            Assert.Equal(3, ps.Run("Get-ClawdTalkScheduledEvent -Slug $slug -Status Failed", _sb.Vars(("slug", m.Slug))).Ok().Objects<ScheduledEvent>().Count(e => e.IsCanceled));
        }

        [Fact]
        public void Duplicates_are_scheduled_once_and_the_exclude_list_is_honoured()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Dedup");
            var file = Path.Combine(TestEnvironment.NewTempDir(), "dnc.csv");
            File.WriteAllText(file, "number,reason\n+1 (303) 555-7203,asked not to be called\n# comment\n\nnot-a-number,oops\n");
            var mark = _sb.Mark();
            var r = ps.Run(@"'+1 303 555 7201', '+1 (303) 555-7201', '+13035557202', '+1 303 555 7203', '+1 303 555 7204', [pscustomobject]@{ Phone = '+1.303.555.7202'; Name = 'again' } |
                Register-ClawdTalkCall -Slug $slug -ExcludeList $file, '+1 303 555 7204' -Force",
                _sb.Vars(("slug", m.Slug), ("file", file))).Ok();
            Assert.Equal(new[] { "+13035557201", "+13035557202" }, r.Objects<ScheduledEvent>().Select(e => e.To).OrderBy(x => x));
            Assert.Equal(2, r.Warnings.Count(w => w.Contains("came twice")));
            Assert.Equal(2, r.Warnings.Count(w => w.Contains("exclude list")));
            Assert.Contains(r.Warnings, w => w.Contains("not-a-number"));
            var applied = ScheduledEventSandbox.AppliedSchedules(_sb.Log(mark));
            Assert.Equal(new[] { "+13035557201", "+13035557202" }, applied.Keys.OrderBy(x => x));
            Assert.All(applied.Values, n => Assert.Equal(1, n));
        }

        [Fact]
        public void A_rerun_schedules_nothing_twice_and_completes_bookkeeping_for_events_it_did_not_record()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Rerun", "calls");
            var at = DateTimeOffset.UtcNow.AddHours(2);
            at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
            var targets = new[] { "+1 303 555 7301", "+1 303 555 7302" };
            var first = ps.Run("$targets | Register-ClawdTalkCall -Slug $slug -StepId calls -At $at -Force", _sb.Vars(("slug", m.Slug), ("targets", targets), ("at", at.UtcDateTime))).Ok().Objects<ScheduledEvent>();
            // a call of this run that another process scheduled, then crashed before recording it
            var orphan = (JObject)_sb.Send(HttpMethod.Post, $"assistants/{m.AssistantId}/events", new
            {
                channel = "call", to = "+13035557303", from = m.AgentPhone,
                scheduled_at = _sb.Server.Now.AddHours(2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), // the sandbox's clock
                mission_id = m.MissionId, run_id = m.RunId, step_id = "calls",
            })["event"]!;

            var mark = _sb.Mark();
            var again = ps.Run("$targets + '+1 303 555 7303' | Register-ClawdTalkCall -Slug $slug -StepId calls -At $at -Force", _sb.Vars(("slug", m.Slug), ("targets", targets), ("at", at.UtcDateTime))).Ok();
            Assert.Empty(SchedulePosts(_sb.Log(mark)));
            var ids = again.Objects<ScheduledEvent>().Select(e => e.EventId).OrderBy(x => x).ToList();
            Assert.Equal(first.Select(e => e.EventId).Append((string)orphan["id"]!).OrderBy(x => x), ids);
            Assert.Contains(again.Warnings, w => w.StartsWith("3 target(s) already had a call", StringComparison.Ordinal));

            // the orphan is now in memory and on the timeline, once
            var rec = Assert.Single(ScheduledEventSandbox.Records(m.Slug), x => (string?)x["event_id"] == (string?)orphan["id"]);
            Assert.True((bool?)rec["logged"]);
            Assert.Single(_sb.Events(m), e => (string?)e["payload"]?["client_key"] == "scheduled:" + (string?)orphan["id"]);
            // a third run finds everything in order and writes nothing
            var mark2 = _sb.Mark();
            ps.Run("$targets + '+1 303 555 7303' | Register-ClawdTalkCall -Slug $slug -StepId calls -At $at -Force", _sb.Vars(("slug", m.Slug), ("targets", targets), ("at", at.UtcDateTime))).Ok();
            Assert.DoesNotContain(_sb.Log(mark2), e => (string?)e["method"] != "GET");
            ps.Run("Unregister-ClawdTalkScheduledEvent -Slug $slug -Force", _sb.Vars(("slug", m.Slug))).Ok();
        }

        [Fact]
        public void Texts_are_written_per_target_from_a_template_and_waited_for()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Texts", "remind");
            var mark = _sb.Mark();
            var r = ps.Run(@"
                @{ Name = 'Ana'; Phone = '+1 303 555 7401'; Slot = '9:30' }, [pscustomobject]@{ Name = 'Ben'; Mobile = '+1 303 555 7402'; Slot = '11:00' }, @{ Phone = '+1 303 555 0004'; Name = 'Cy'; Slot = 'noon' } |
                    Register-ClawdTalkSms -Slug $slug -StepId remind -Message 'Hi {{Name}}, see you at {{Slot}}.' -Force | Wait-ClawdTalkEvent",
                _sb.Vars(("slug", m.Slug))).Ok();
            var texts = SchedulePosts(_sb.Log(mark));
            Assert.Equal(new[] { "Hi Ana, see you at 9:30.", "Hi Ben, see you at 11:00.", "Hi Cy, see you at noon." }, texts.Select(t => (string)t["text_body"]!).OrderBy(x => x));
            Assert.All(texts, t => Assert.Equal("sms", (string?)t["channel"]));
            var done = r.Objects<ScheduledEvent>();
            Assert.Equal(3, done.Count);
            Assert.All(done, e => Assert.Equal(ScheduledEventChannel.Sms, e.Channel));
            Assert.Equal(ScheduledEventStatus.Failed, done.Single(e => e.To == "+13035550004").Status); // 0004: the text fails
            Assert.Equal(2, done.Count(e => e.Status == ScheduledEventStatus.Completed));
            Assert.Contains(_sb.Events(m), e => (string?)e["summary"] == "Text to +13035550004 (Cy) failed");
        }

        [Fact]
        public void The_published_pipeline_runs_from_init_to_completion()
        {
            _sb.AddNumbers(1);
            using var ps = _sb.Session();
            var name = $"Pipeline {Guid.NewGuid():N}"[..21];
            var r = ps.Run(@"
                Initialize-ClawdTalkMission -Name $name -Instructions 'Ask two people one question.' -Request 'Ask' -Step 'ask' |
                    Add-ClawdTalkAgent -Instructions 'Ask whether they like jazz.' |
                    Register-ClawdTalkCall -To '+1 303 555 7501', '+1 303 555 7502' -StepId ask -Force |
                    Wait-ClawdTalkEvent |
                    Get-ClawdTalkInsight -PollInterval 0.1 |
                    Complete-ClawdTalkMission -Summary 'Asked both'", _sb.Vars(("name", name))).Ok();
            var done = r.Single<MissionState>();
            Assert.Equal(MissionStateStatus.Succeeded, done.Status);
            Assert.Equal("Asked both", done.ResultSummary);
            Assert.Equal(2, ScheduledEventSandbox.Records(done.Slug).Count);
            var run = (JObject)_sb.Api($"missions/{done.MissionId}/runs/{done.RunId}");
            Assert.Equal("succeeded", (string?)run["status"]);
            Assert.Equal("Asked both", (string?)run["result_summary"]);
        }

        [Fact]
        public void Scheduling_needs_an_open_mission_with_the_step()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Closed", "one");
            var mark = _sb.Mark();
            ps.Run("Register-ClawdTalkCall -Slug $slug -To '+1 303 555 7601' -StepId nope -Force", _sb.Vars(("slug", m.Slug))).Error("StepNotInPlan");
            ps.Run("Complete-ClawdTalkMission -Slug $slug -Summary done", _sb.Vars(("slug", m.Slug))).Ok();
            ps.Run("Register-ClawdTalkCall -Slug $slug -To '+1 303 555 7601' -Force", _sb.Vars(("slug", m.Slug))).Error("MissionNotActive", System.Management.Automation.ErrorCategory.InvalidOperation);
            Assert.Empty(SchedulePosts(_sb.Log(mark)));
        }
    }
}
