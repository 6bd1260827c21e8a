using System.Collections.Specialized;

namespace ClawdTalk
{
    /// <summary>
    /// Where a mission stands, at a glance (Get-ClawdTalkMissionProgress): the run, its steps, the calls and texts by
    /// outcome, what is still to come and when, whether insights are ready, what follows it, and what to do next. Read
    /// from the mission state store, plus at most a few cheap requests (the run, the plan, a few insights).
    /// </summary>
    public sealed class MissionProgress
    {
        public string Slug { get; internal set; } = "";
        public string? Name { get; internal set; }
        public string? MissionId { get; internal set; }
        public string? RunId { get; internal set; }
        /// <summary>The mission in the store: Active, or how it ended.</summary>
        public MissionStateStatus Status { get; internal set; }
        /// <summary>The run as the service reports it (null with -Offline or when it could not be read).</summary>
        public RunStatus? RunStatus { get; internal set; }
        public DateTimeOffset? StartedAt { get; internal set; }
        public DateTimeOffset? EndedAt { get; internal set; }
        /// <summary>How the run ended, in the words of whoever ended it.</summary>
        public string? Result { get; internal set; }

        /// <summary>The plan's steps with their statuses, in order ("research completed, calls in progress").</summary>
        public ProgressStep[] Steps { get; internal set; } = Array.Empty<ProgressStep>();
        public int StepsDone { get; internal set; }
        /// <summary>"2/3": steps done of the plan's.</summary>
        public string StepSummary => Steps.Length == 0 ? "" : $"{StepsDone}/{Steps.Length}";

        /// <summary>People called and texted (one per target: a retry is the same target's next attempt).</summary>
        public int Calls { get; internal set; }
        public int Texts { get; internal set; }
        /// <summary>Calls and texts placed in all (first attempts and retries).</summary>
        public int Attempts { get; internal set; }
        /// <summary>Calls placed (first calls and retries).</summary>
        public int CallAttempts { get; internal set; }
        /// <summary>Calls and texts the service reports over that the store has not recorded yet (the poller's next tick does).</summary>
        public int Unrecorded { get; internal set; }
        /// <summary>How the targets' last attempts ended, by outcome (answered, voicemail, no-answer, busy, failed, sent…).</summary>
        public OrderedDictionary OutcomeCounts { get; internal set; } = new OrderedDictionary();
        /// <summary>The outcomes in the module's one wording, with the service's words beside each group
        /// ("1 reached (1 answered), 2 not reached (1 voicemail, 1 busy), 1 open").</summary>
        /// <summary>True on a sandbox whose clock runs faster: the times of calls and texts are its clock's, CheckBackAt is this machine's.</summary>
        public bool ServiceClockAhead { get; internal set; }
        public string Outcomes { get; internal set; } = "";
        /// <summary>Targets reached: a call answered, a text sent.</summary>
        public int Reached { get; internal set; }
        /// <summary>Targets not reached: voicemail, no answer, busy, failed.</summary>
        public int NotReached { get; internal set; }

        /// <summary>Scheduled calls and texts not over yet.</summary>
        public ProgressEvent[] PendingEvents { get; internal set; } = Array.Empty<ProgressEvent>();
        public int Pending => PendingEvents.Length;
        /// <summary>Calls that ended unanswered and are due another attempt that is not scheduled yet.</summary>
        public int RetriesDue { get; internal set; }
        /// <summary>The earliest scheduled time of what is still to come.</summary>
        public DateTimeOffset? NextAt { get; internal set; }

        /// <summary>Answered calls with a conversation (whose insights can be read).</summary>
        public int Conversations { get; internal set; }
        /// <summary>Of the conversations checked, those whose insights are complete (null when none was checked).</summary>
        public int? InsightsReady { get; internal set; }
        public int InsightsChecked { get; internal set; }

        /// <summary>The poller that follows the mission ("cron every 5 min"), or null when none does.</summary>
        public string? Poller { get; internal set; }
        /// <summary>False when the poller's scheduler holds it but does not run (no cron daemon): it never ticks.</summary>
        public bool PollerRuns { get; internal set; }
        /// <summary>True when the mission's end (and, if asked, each finished call) is sent to the agent's session.</summary>
        public bool NotifyAgent { get; internal set; }
        /// <summary>Notices already sent to the agent (mission end, calls), by key.</summary>
        public string[] Notified { get; internal set; } = Array.Empty<string>();

        /// <summary>When a look is worth it again: the first look at the next event (two minutes after its time).</summary>
        public DateTimeOffset? CheckBackAt { get; internal set; }
        /// <summary>What to do next, in one sentence with the command.</summary>
        public string Next { get; internal set; } = "";
        /// <summary>All of the above as plain text lines, for a reader.</summary>
        public string Text { get; internal set; } = "";
        /// <summary>What could not be read (the service, a plan): the rest comes from the store.</summary>
        public string[] Warnings { get; internal set; } = Array.Empty<string>();

        public override string ToString() => Text;
    }

    /// <summary>One step of a mission's plan as Get-ClawdTalkMissionProgress shows it.</summary>
    public sealed class ProgressStep
    {
        public string StepId { get; internal set; } = "";
        public StepStatus Status { get; internal set; }
        public override string ToString() => StepId + " " + Status;
    }

    /// <summary>A call or text of a mission that is not over yet.</summary>
    public sealed class ProgressEvent
    {
        public string EventId { get; internal set; } = "";
        public string Channel { get; internal set; } = "";
        public string? To { get; internal set; }
        public string? Name { get; internal set; }
        public string? Status { get; internal set; }
        public DateTimeOffset? ScheduledAt { get; internal set; }
        public int Attempt { get; internal set; }
        public string? StepId { get; internal set; }
        public override string ToString() => $"{Channel} to {Name ?? To}";
    }
}
