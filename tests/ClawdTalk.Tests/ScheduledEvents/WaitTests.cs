using System;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>Wait-ClawdTalkEvent: one list request per assistant per check, guidance spacing, streaming output, progress, -Timeout, Ctrl+C.</summary>
    public sealed class WaitTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public WaitTests(FastScheduledEventSandbox sb) => _sb = sb;

        [Fact]
        public void Each_check_reads_each_assistants_list_once_never_one_request_per_event()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Lists");
            var second = ps.Run("(New-ClawdTalkAssistant -Name 'Second caller').AssistantId").Ok().Output.Single().ToString();
            // calls spread over 50 minutes of the sandbox's clock, so the wait has several checks to look at whatever the machine's load
            var events = ps.Run(@"
                $a = 1..6 | ForEach-Object { '+1 303 555 {0:0000}' -f (9100 + $_) } | Register-ClawdTalkCall -Slug $slug -Stagger 600 -Force
                $b = 1..6 | ForEach-Object { [pscustomobject]@{ Phone = '+1 303 555 {0:0000}' -f (9200 + $_); AssistantId = $second } } | Register-ClawdTalkCall -Slug $slug -Stagger 600 -Force
                $a + $b", _sb.Vars(("slug", m.Slug), ("second", second))).Ok().Output.Select(o => o.BaseObject).ToArray();
            Assert.Equal(12, events.Length);
            var mark = _sb.Mark();
            var r = ps.Run("$events | Wait-ClawdTalkEvent -Verbose", _sb.Vars(("events", events))).Ok();
            Assert.Equal(12, r.Objects<ScheduledEvent>().Count);
            var (checks, lists) = ScheduledEventSandbox.WaitStats(r);
            Assert.True(checks >= 3, $"{checks} checks");
            var gets = _sb.Log(mark).Where(e => (string?)e["method"] == "GET" && ((string?)e["path"] ?? "").StartsWith("/v1/assistants/", StringComparison.Ordinal)).Select(e => (string)e["path"]!).ToList();
            // every request of the wait is a list: at most one per assistant per check, both at the first check
            Assert.Equal(lists, gets.Count);
            Assert.DoesNotContain(gets, p => Regex.IsMatch(p, "/events/.+"));
            var first = gets.Count(p => p == $"/v1/assistants/{m.AssistantId}/events");
            var other = gets.Count(p => p == $"/v1/assistants/{second}/events");
            Assert.InRange(first, 2, checks);
            Assert.InRange(other, 2, checks);
            Assert.Equal(lists, first + other);
        }

        [Fact]
        public void Events_come_out_as_they_finish_so_the_next_command_streams()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Stream");
            // an hour ahead, then 30 minutes apart: at 600 times real time the calls end 6, 9 and 12 s after they are
            // scheduled, so a loaded machine that takes seconds to schedule them or to check (full runs saw both, with 10
            // minutes apart: 0.99 s between the first and last insight) still sees them end one by one
            var r = ps.Run(@"
                '+1 303 555 9301', '+1 303 555 9302', '+1 303 555 9303' |
                    Register-ClawdTalkCall -Slug $slug -At ([datetime]::UtcNow.AddMinutes(60)) -Stagger 1800 -Force |
                    Wait-ClawdTalkEvent |
                    Get-ClawdTalkInsight -PollInterval 0.1 |
                    ForEach-Object { [pscustomobject]@{ Conversation = $_.ConversationId; Slug = $_.Slug; Seen = [datetime]::UtcNow } }", _sb.Vars(("slug", m.Slug))).Ok();
            var seen = r.Output.Select(o => (DateTime)o.Properties["Seen"].Value).ToList();
            Assert.Equal(3, seen.Count);
            Assert.All(r.Output, o => Assert.Equal(m.Slug, o.Properties["Slug"].Value));
            Assert.True(seen[2] - seen[0] > TimeSpan.FromSeconds(1.2), $"the insights came {(seen[2] - seen[0]).TotalSeconds:0.00} s apart: not streamed");
        }

        [Fact]
        public void Timeout_reports_the_events_still_pending_and_far_events_are_checked_rarely()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Timeout");
            var events = ps.Run("'+1 303 555 9401', '+1 303 555 9402' | Register-ClawdTalkCall -Slug $slug -At ([datetime]::UtcNow.AddDays(2)) -Force",
                _sb.Vars(("slug", m.Slug))).Ok().Output.Select(o => o.BaseObject).ToArray();
            // two days away on the wall clock: the guidance checks every few hours, so a 2 s wait reads the list once or twice
            var mark = _sb.Mark();
            var r = ps.Run("$events | Wait-ClawdTalkEvent -Timeout 2 -Verbose", _sb.Vars(("events", events)));
            var err = r.Error("WaitTimeout", ErrorCategory.OperationTimeout);
            Assert.Empty(r.Output);
            var pending = Assert.IsType<ScheduledEvent[]>(err.TargetObject);
            Assert.Equal(2, pending.Length);
            Assert.All(pending, e => Assert.Equal(ScheduledEventStatus.Pending, e.Status));
            Assert.True(ScheduledEventSandbox.WaitStats(r).lists is >= 1 and <= 2, string.Join("\n", r.Verbose));
            var log = _sb.Log(mark);
            Assert.True(log.Count is >= 1 and <= 2, string.Join("; ", log.Select(e => $"{e["method"]} {e["path"]}")));
            Assert.Contains("wait for them again with Wait-ClawdTalkEvent", err.ErrorDetails.Message);
            ps.Run("$events | Unregister-ClawdTalkScheduledEvent -Force", _sb.Vars(("events", events))).Ok();
        }

        [Fact]
        public void Ctrl_C_stops_the_wait_at_once()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Stop");
            var events = ps.Run("'+1 303 555 9501' | Register-ClawdTalkCall -Slug $slug -At ([datetime]::UtcNow.AddHours(1)) -Force",
                _sb.Vars(("slug", m.Slug))).Ok().Output.Select(o => o.BaseObject).ToArray();
            // pressed once the wait shows itself under way (its progress bar)
            var r = ps.RunAndStop("$events | Wait-ClawdTalkEvent", streams => streams.Progress.Count > 0, TimeSpan.FromSeconds(30), _sb.Vars(("events", events)));
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(3), $"stopping took {r.StopDuration}");
            Assert.NotEmpty(r.Progress); // the wait was under way (a stopped pipeline takes no more records: the host ends the bar)
            Assert.Empty(r.Output);
            ps.Run("$events | Unregister-ClawdTalkScheduledEvent -Force", _sb.Vars(("events", events))).Ok();
        }

        [Fact]
        public void Progress_shows_done_waiting_and_retried_counts_and_is_throttled_and_completed()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Progress");
            var r = ps.Run("'+1 720 555 9601', '+1 720 555 0001', '+1 720 555 9603' | Register-ClawdTalkCall -Slug $slug -Force | Wait-ClawdTalkEvent -RetryPolicy AutomatedSystem -MaxAttempts 2 -PollInterval 0.02 -Force",
                _sb.Vars(("slug", m.Slug))).Ok();
            var progress = r.Progress.Where(p => p.Activity == "Waiting for 3 calls").ToList();
            Assert.NotEmpty(progress);
            Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
            // the one grouping of outcomes, what is open, the retries, the countdown to the next check; on one line of 80 columns
            Assert.Contains(progress, p => Regex.IsMatch(p.StatusDescription, @"^\d+ reached, \d+ not reached, \d+ open(, \d+ retried)?; (next )?check in \d+ s$"));
            Assert.Contains(progress, p => p.StatusDescription.Contains("1 retried"));
            Assert.Equal("2 reached, 1 not reached, 1 retried", progress[^1].StatusDescription); // 0001 never answers, not even its retry
            // fitted to the console: this session's host has 160 columns, and pwsh's progress line is at most 120 wide
            Assert.All(progress, p => Assert.True(p.Activity.Length + p.StatusDescription.Length + 3 <= 118, $"'{p.Activity} [{p.StatusDescription}]' is wider than the progress line"));
            // a check every 20 ms, but at most four updates a second
            Assert.True(progress.Count <= r.Duration.TotalSeconds * 4 + 3, $"{progress.Count} progress records in {r.Duration.TotalSeconds:0.0} s");
        }

        [Fact]
        public void A_whole_run_is_waited_for_by_slug_and_ids_by_property_name()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "BySlug");
            var scheduled = ps.Run("'+1 303 555 9701', '+1 303 555 9702' | Register-ClawdTalkCall -Slug $slug -Force", _sb.Vars(("slug", m.Slug))).Ok().Objects<ScheduledEvent>();
            var bySlug = ps.Run("Get-ClawdTalkMissionState -Slug $slug | Wait-ClawdTalkEvent", _sb.Vars(("slug", m.Slug))).Ok().Objects<ScheduledEvent>();
            Assert.Equal(scheduled.Select(e => e.EventId).OrderBy(x => x), bySlug.Select(e => e.EventId).OrderBy(x => x));
            Assert.All(bySlug, e => Assert.True(e.IsTerminal));
            // by id, from any object with AssistantId and EventId (here: plain objects)
            var byId = ps.Run("$ids | Wait-ClawdTalkEvent",
                _sb.Vars(("ids", scheduled.Select(e => new PSObject(new { e.AssistantId, e.EventId })).ToArray()))).Ok().Objects<ScheduledEvent>();
            Assert.Equal(2, byId.Count);
            Assert.All(byId, e => { Assert.Equal("answered", e.Outcome); Assert.Equal(m.Slug, e.Slug); });
            // waiting again does not log the outcomes again
            Assert.Equal(2, _sb.Events(m).Count(e => ((string?)e["payload"]?["client_key"] ?? "").StartsWith("outcome:", StringComparison.Ordinal)));
        }
    }
}
