using System.Collections.Specialized;
using System.Text;
using ClawdTalk.Boundary;
using ClawdTalk.Pollers;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>What the service said about a run, when it was asked (all optional: -Offline asks nothing).</summary>
    internal sealed class ProgressReads
    {
        public MissionRun? Run;
        public MissionPlan? Plan;
        /// <summary>Conversations whose insights were checked, and how many of them are complete.</summary>
        public int InsightsChecked, InsightsReady;
        public PollerEntry? Poller;
        /// <summary>Whether the poller's scheduler runs at all (false: a crontab no daemon reads).</summary>
        public bool? PollerRuns;
        /// <summary>The run's scheduled events as the service lists them now (by event id), fresher than the store's records.</summary>
        public Dictionary<string, JObject>? Events;
        /// <summary>How much faster than real time the service's clock runs (a sandbox rehearsal; 1 for the real service).</summary>
        public double TimeScale = 1;
        /// <summary>The service's clock when it was asked (a sandbox's runs ahead of this machine's); null: this machine's.</summary>
        public DateTimeOffset? ServiceNow;
        public List<string> Warnings = new List<string>();
    }

    /// <summary>
    /// Where a mission stands, from its slug entry (the event records, steps, memory, poller and notice settings) and what
    /// the service said (<see cref="ProgressReads"/>): pure, so Get-ClawdTalkMissionProgress and the agent's notice
    /// (<see cref="AgentNotice"/>) word a mission the same way.
    /// </summary>
    internal static class MissionProgressReader
    {
        /// <summary>Conversations whose insights a look checks at most (the newest first): a look stays a few requests.</summary>
        public const int InsightChecks = 3;

        /// <summary>The records of the slug's current run (earlier runs' records are history).</summary>
        public static List<EventRecord> RecordsOfRun(JObject entry)
        {
            var run = Json.Str(entry, StateKeys.RunId);
            return EventRecords.Of(entry).Where(r => run == null || Json.Str(r.Json, "run_id") is not string rid || rid == run).ToList();
        }

        /// <summary>The targets' last attempts: a record no later attempt replaced.</summary>
        public static List<EventRecord> LastAttempts(IEnumerable<EventRecord> records) => records.Where(r => r.RetriedBy == null).ToList();

        /// <summary>Conversation ids of answered calls, newest first: the ones a look checks for insights.</summary>
        public static List<string> Conversations(JObject entry) =>
            LastAttempts(RecordsOfRun(entry)).Where(r => r.IsFinal && r.ConversationId != null)
                .OrderByDescending(r => r.ScheduledAt ?? DateTimeOffset.MinValue).Select(r => r.ConversationId!).Distinct().ToList();

        /// <summary>"2 answered, 1 voicemail" for the final outcomes of <paramref name="records"/>' last attempts.</summary>
        public static OrderedDictionary Counts(IEnumerable<EventRecord> lastAttempts)
        {
            var counts = new OrderedDictionary(StringComparer.Ordinal);
            foreach (var g in lastAttempts.Where(r => r.IsFinal).GroupBy(r => OutsideText.Visible(r.Outcome)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
                counts[g.Key] = g.Count();
            return counts;
        }

        public static string Words(OrderedDictionary counts) =>
            string.Join(", ", counts.Keys.Cast<string>().Select(k => $"{counts[k]} {k}"));

        /// <summary>The one wording of outcomes (<see cref="ScheduledEvents.Outcomes"/>) with the service's words beside each group:
        /// "1 reached (1 answered), 2 not reached (1 voicemail, 1 busy), 1 open".</summary>
        public static string Grouped(IEnumerable<EventRecord> lastAttempts) =>
            ScheduledEvents.Outcomes.Counts(lastAttempts, GroupOf, members => Words(Counts(members)));

        static OutcomeGroup GroupOf(EventRecord r) =>
            ScheduledEvents.Outcomes.Group(r.IsCall, r.IsFinal, r.Status == "canceled" || r.Status == "cancelled" ? r.Status : r.Outcome, r.Status == "failed" || r.Status == "missing");

        public static MissionProgress Read(string slug, JObject entry, ProgressReads reads, DateTimeOffset now)
        {
            var p = new MissionProgress
            {
                Slug = slug,
                Name = Json.Str(entry, StateKeys.MissionName),
                MissionId = Json.Str(entry, StateKeys.MissionId),
                RunId = Json.Str(entry, StateKeys.RunId),
                Status = StatusOf(entry),
                RunStatus = reads.Run?.Status ?? (Json.Str(entry, StateKeys.RunStatus) is string rs ? Wire.Run(rs) : (RunStatus?)null),
                StartedAt = Json.Date(entry, StateKeys.CreatedAt),
                EndedAt = Json.Date(entry, StateKeys.CompletedAt),
                Result = Json.Str(entry, StateKeys.ResultSummary) ?? reads.Run?.ResultSummary,
                Warnings = reads.Warnings.ToArray(),
            };

            // steps: the plan as the service has it, else as the store remembers it
            p.Steps = reads.Plan != null
                ? reads.Plan.Steps.OrderBy(s => s.Sequence).Select(s => new ProgressStep { StepId = s.StepId, Status = s.Status }).ToArray()
                : MissionStateStore.StepsOf(entry).Select(s => new ProgressStep { StepId = Json.Str(s, "step_id") ?? "", Status = Wire.Step(Json.Str(s, "status")) })
                    .Where(s => s.StepId.Length > 0).ToArray();
            p.StepsDone = p.Steps.Count(s => s.Status == StepStatus.Completed || s.Status == StepStatus.Skipped || s.Status == StepStatus.Failed);

            // calls and texts, as the service lists them now where it was asked (the store follows at the next tick)
            var records = RecordsOfRun(entry);
            foreach (var r in records)
                if (reads.Events != null && reads.Events.TryGetValue(r.Id, out var fresh))
                {
                    var wasFinal = r.IsFinal;
                    r.Update(fresh);
                    if (!wasFinal && r.IsFinal) p.Unrecorded++;
                }
            var last = LastAttempts(records);
            p.Attempts = records.Count;
            p.CallAttempts = records.Count(r => r.IsCall);
            p.Calls = last.Count(r => r.IsCall);
            p.Texts = last.Count(r => !r.IsCall);
            p.OutcomeCounts = Counts(last);
            p.Outcomes = Grouped(last);
            p.Reached = last.Count(r => GroupOf(r) == OutcomeGroup.Reached);
            p.NotReached = last.Count(r => GroupOf(r) == OutcomeGroup.NotReached);
            var maxAttempts = EventRecords.Policy(entry).MaxAttempts;
            p.RetriesDue = last.Count(r => r.IsRetryableFailure && !r.Handled && r.Attempt < maxAttempts);
            p.PendingEvents = records.Where(r => !r.IsFinal).OrderBy(r => r.ScheduledAt ?? DateTimeOffset.MaxValue).Select(r => new ProgressEvent
            {
                EventId = r.Id, Channel = r.IsCall ? "call" : r.Channel ?? "sms", To = r.To, Name = Json.Str(r.Json, "name"), Status = r.Status,
                ScheduledAt = r.ScheduledAt, Attempt = r.Attempt, StepId = r.StepId,
            }).ToArray();
            p.NextAt = p.PendingEvents.Select(e => e.ScheduledAt).Where(t => t.HasValue).Min();
            p.Conversations = Conversations(entry).Count;
            if (reads.InsightsChecked > 0)
            {
                p.InsightsChecked = reads.InsightsChecked;
                p.InsightsReady = reads.InsightsReady;
            }

            // what follows it
            if (reads.Poller != null)
            {
                p.Poller = $"{reads.Poller.Backend} {(reads.Poller.Interval.HasValue ? PollInterval.Describe(reads.Poller.Interval.Value) : "")}".Trim();
                p.PollerRuns = reads.PollerRuns != false;
                if (!p.PollerRuns) p.Poller += $" (no {reads.Poller.Backend} daemon runs: it never ticks)";
            }
            var notice = entry[PollerStateKeys.NotifyAgent] as JObject;
            p.NotifyAgent = notice != null;
            p.Notified = (notice?["sent"] as JObject)?.Properties().Where(x => Json.Str(x.Value as JObject, "status") != "failed").Select(x => x.Name).ToArray() ?? Array.Empty<string>();

            if (p.PendingEvents.Length > 0)
            {
                // the events' times are the service's clock's: the wait until the first look is measured on it, then
                // brought to this machine's clock (a sandbox's faster clock makes it shorter), so CheckBackAt is a time here
                var serviceNow = reads.ServiceNow ?? now;
                var scale = Math.Max(1, reads.TimeScale);
                var due = p.PendingEvents.Where(e => e.ScheduledAt.HasValue).Select(e => PollInterval.FirstLook(e.ScheduledAt!.Value)).DefaultIfEmpty(serviceNow).Min();
                var wait = due > serviceNow ? TimeSpan.FromTicks((long)((due - serviceNow).Ticks / scale)) : TimeSpan.Zero;
                p.CheckBackAt = now + (wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1.0 / scale));
            }
            else if (p.Status == MissionStateStatus.Active && (p.RetriesDue > 0 || p.Unrecorded > 0))
            {
                // something to record or call again: at the poller's next tick, or now when no poller ticks
                p.CheckBackAt = now;
            }
            p.ServiceClockAhead = reads.TimeScale > 1;
            p.Next = NextStep(p, now);
            p.Text = TextOf(p);
            return p;
        }

        static MissionStateStatus StatusOf(JObject entry) => (Json.Str(entry, StateKeys.Status) ?? "active").ToLowerInvariant() switch
        {
            "succeeded" => MissionStateStatus.Succeeded,
            "failed" => MissionStateStatus.Failed,
            "cancelled" => MissionStateStatus.Cancelled,
            _ => MissionStateStatus.Active,
        };

        static string At(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        static string NextStep(MissionProgress p, DateTimeOffset now)
        {
            var slug = p.Slug;
            if (p.Status != MissionStateStatus.Active)
                return p.Conversations > 0
                    ? $"The mission has ended ({p.Status.ToString().ToLowerInvariant()}). Read what was said: Get-ClawdTalkScheduledEvent -Slug {slug} | Get-ClawdTalkInsight; then tell the owner."
                    : $"The mission has ended ({p.Status.ToString().ToLowerInvariant()}); tell the owner what came of it.";
            var ticking = p.Poller != null && p.PollerRuns;
            var tick = $"Invoke-ClawdTalkPoll -Slug {slug} (one tick: it records what is over, schedules the retries and ends the mission when everything is done; it returns at once)";
            var serviceEnded = p.RunStatus.HasValue && Wire.IsTerminal(p.RunStatus.Value);
            if (serviceEnded || p.Unrecorded > 0 || p.RetriesDue > 0)
            {
                var what = serviceEnded && p.RetriesDue > 0
                    ? $"{p.RetriesDue} call(s) are due another attempt (the service ended the run ({Wire.Run(p.RunStatus!.Value)}) when the first calls were over; the retry sets it running again and the mission ends after its last call)"
                    : serviceEnded ? $"The service has ended the run ({Wire.Run(p.RunStatus!.Value)})"
                    : p.Unrecorded > 0 ? $"{p.Unrecorded} call(s)/text(s) are over on the service"
                    : $"{p.RetriesDue} call(s) are due another attempt";
                return ticking ? $"{what}; the poller's next tick records it{(p.NotifyAgent ? " and tells you when the mission ends" : "")}." : $"{what}: run {tick}.";
            }
            if (p.Pending > 0)
            {
                var when = p.CheckBackAt.HasValue ? At(p.CheckBackAt.Value) : "a few minutes";
                if (ticking)
                    return $"{p.Pending} call(s)/text(s) to come; the poller ({p.Poller}) follows them and ends the mission"
                           + (p.NotifyAgent ? ", and tells you when it ends. Nothing to do until then" : $". Look again after {when}") + $": Get-ClawdTalkMissionProgress -Slug {slug}.";
                if (p.Poller != null) return $"{p.Pending} call(s)/text(s) to come. Look again after {when}, and then run {tick}.";
                return $"{p.Pending} call(s)/text(s) to come and nothing follows them: Register-ClawdTalkPoller -Slug {slug} -MaxAttempts 2 -NotifyAgent (it ends the mission and tells you), or look again after {when}.";
            }
            if (p.Calls + p.Texts == 0)
                return $"Nothing is scheduled yet: Register-ClawdTalkCall -Slug {slug} … or Register-ClawdTalkSms -Slug {slug} …; or end it: Complete-ClawdTalkMission -Slug {slug} -Summary '…'.";
            return $"Every call and text is over ({p.Outcomes}). Read the insights (Get-ClawdTalkScheduledEvent -Slug {slug} | Get-ClawdTalkInsight), then end the mission: Complete-ClawdTalkMission -Slug {slug} -Summary '…'.";
        }

        static string TextOf(MissionProgress p)
        {
            var sb = new StringBuilder();
            sb.Append(p.Name ?? p.Slug).Append(" (").Append(p.Slug).Append("): ").Append(p.Status.ToString().ToLowerInvariant());
            if (p.RunStatus.HasValue) sb.Append(", run ").Append(Wire.Run(p.RunStatus.Value));
            if (p.EndedAt.HasValue && p.Status != MissionStateStatus.Active) sb.Append(" at ").Append(At(p.EndedAt.Value));
            sb.Append('\n');
            if (!string.IsNullOrEmpty(p.Result) && p.Status != MissionStateStatus.Active) sb.Append("Result: ").Append(p.Result).Append('\n');
            if (p.Steps.Length > 0)
                sb.Append("Steps (").Append(p.StepSummary).Append(" done): ").Append(string.Join(", ", p.Steps.Select(s => s.StepId + " " + Wire.Step(s.Status).Replace('_', ' ')))).Append('\n');
            sb.Append("Calls: ").Append(p.Calls);
            if (p.CallAttempts > p.Calls) sb.Append(" (").Append(p.CallAttempts).Append(" attempts)");
            sb.Append(", texts: ").Append(p.Texts);
            if (p.Outcomes.Length > 0) sb.Append("; ").Append(p.Outcomes);
            if (p.Unrecorded > 0) sb.Append(" (").Append(p.Unrecorded).Append(" over on the service, not recorded yet)");
            sb.Append('\n');
            if (p.Pending > 0)
            {
                sb.Append("To come: ").Append(string.Join(", ", p.PendingEvents.Take(5).Select(e =>
                    $"{e.Channel} to {e.Name ?? e.To} ({e.Status}{(e.ScheduledAt.HasValue ? " " + At(e.ScheduledAt.Value) : "")}{(e.Attempt > 1 ? ", attempt " + e.Attempt : "")})")));
                if (p.Pending > 5) sb.Append(", and ").Append(p.Pending - 5).Append(" more");
                if (p.ServiceClockAhead) sb.Append(" (the sandbox's clock)");
                sb.Append('\n');
            }
            if (p.RetriesDue > 0) sb.Append("Retries due: ").Append(p.RetriesDue).Append('\n');
            if (p.Conversations > 0)
                sb.Append("Insights: ").Append(p.InsightsReady.HasValue ? $"{p.InsightsReady} of {p.InsightsChecked} checked ready" : "not checked")
                  .Append(" (").Append(p.Conversations).Append(" conversation(s))\n");
            if (p.Status == MissionStateStatus.Active)
                sb.Append("Follow-up: ").Append(p.Poller != null ? "poller " + p.Poller : "no poller").Append(p.NotifyAgent ? ", the agent is told when it ends" : "").Append('\n');
            else if (p.Notified.Any(n => n.StartsWith(AgentNotice.MissionKeyPrefix, StringComparison.Ordinal)))
                sb.Append("Follow-up: the agent was told it ended\n");
            sb.Append("Next: ").Append(p.Next);
            if (p.CheckBackAt.HasValue && p.Status == MissionStateStatus.Active)
                sb.Append("\nCheck back at: ").Append(At(p.CheckBackAt.Value)).Append(p.ServiceClockAhead ? " (this machine's clock)" : "");
            foreach (var w in p.Warnings) sb.Append("\nNote: ").Append(w);
            return sb.ToString();
        }
    }
}
