namespace ClawdTalk
{
    /// <summary>A poller: a recurring job of the platform scheduler (cron, ScheduledTask, ScheduledJob) that runs Invoke-ClawdTalkPoll for one mission.</summary>
    public sealed class PollerInfo
    {
        public string Slug { get; internal set; } = "";
        /// <summary>cron, ScheduledTask or ScheduledJob.</summary>
        public string Backend { get; internal set; } = "";
        /// <summary>The scheduler's name for it (task or job name; for cron the tag of its lines).</summary>
        public string Name { get; internal set; } = "";
        public TimeSpan? Interval { get; internal set; }
        /// <summary>The interval in words ("every 5 min").</summary>
        public string Every => Interval.HasValue ? Pollers.PollInterval.Describe(Interval.Value) : "";
        /// <summary>The schedule as the scheduler holds it (cron expressions, trigger description).</summary>
        public string Schedule { get; internal set; } = "";
        /// <summary>The command line it runs (never holds a secret: the key comes from the config or the environment).</summary>
        public string Command { get; internal set; } = "";
        public string? LogPath { get; internal set; }
        public DateTimeOffset? RegisteredAt { get; internal set; }
        /// <summary>Active, Succeeded, Failed, Cancelled, Missing (no such slug in the state file) or Unknown (the state file cannot be read).</summary>
        public string MissionStatus { get; internal set; } = "Unknown";
        /// <summary>True when its mission has ended or is gone: a leftover that the next tick (or Unregister-ClawdTalkPoller) removes.</summary>
        public bool Orphaned { get; internal set; }
        /// <summary>True when the agent's session is told when the mission ends (Register-ClawdTalkPoller -NotifyAgent).</summary>
        public bool NotifyAgent { get; internal set; }
        /// <summary>Its mission's status, with `(orphaned)` when the poller outlived it.</summary>
        public string Mission => Orphaned ? MissionStatus + " (orphaned)" : MissionStatus;

        public override string ToString() => Slug;
    }

    /// <summary>What one tick of Invoke-ClawdTalkPoll did.</summary>
    public enum PollStatus
    {
        /// <summary>Nothing changed; the scheduled events are still ahead or under way.</summary>
        Waiting,
        /// <summary>Events finished and their steps were advanced, or a retry was scheduled.</summary>
        Advanced,
        /// <summary>The mission has ended; its pollers were removed.</summary>
        Ended,
        /// <summary>Another tick of the same mission was running; this one did nothing.</summary>
        Busy,
        /// <summary>The slug is not in the state file (any more); the poller was removed.</summary>
        Orphaned,
    }

    /// <summary>The outcome of one poll tick for a mission.</summary>
    public sealed class PollResult
    {
        public DateTimeOffset At { get; internal set; }
        public string Slug { get; internal set; } = "";
        public string? MissionId { get; internal set; }
        public string? RunId { get; internal set; }
        public PollStatus Status { get; internal set; }
        /// <summary>The mission's status in the state file after the tick (Active, Succeeded, Failed, Cancelled).</summary>
        public string? MissionStatus { get; internal set; }
        public int EventCount { get; internal set; }
        /// <summary>Scheduled events not finished yet (pending or in progress).</summary>
        public int PendingEvents { get; internal set; }
        /// <summary>`2/4`: the events still open of all the mission's events.</summary>
        public string Open => $"{PendingEvents}/{EventCount}";
        /// <summary>Steps this tick marked done.</summary>
        public string[] StepsAdvanced { get; internal set; } = Array.Empty<string>();
        /// <summary>Events this tick scheduled as retries of failed calls.</summary>
        public string[] Retries { get; internal set; } = Array.Empty<string>();
        /// <summary>The next scheduled event still ahead, if any.</summary>
        public DateTimeOffset? NextEventAt { get; internal set; }
        /// <summary>The poller's interval after the tick (null when it was removed or there is none).</summary>
        public TimeSpan? Interval { get; internal set; }
        /// <summary>The interval in words ("every 30 s").</summary>
        public string Every => Interval.HasValue ? Pollers.PollInterval.Describe(Interval.Value) : "";
        public bool PollerRemoved { get; internal set; }
        public string Message { get; internal set; } = "";

        public override string ToString() => $"{Slug}: {Status}";
    }
}
