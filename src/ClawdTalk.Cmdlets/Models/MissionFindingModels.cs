namespace ClawdTalk
{
    /// <summary>How much a finding matters: Error (the dashboard shows the mission wrongly, e.g. Running forever), Warning (something is missing from it).</summary>
    public enum FindingSeverity { Information, Warning, Error }

    /// <summary>
    /// One way a mission looks wrong on the ClawdTalk dashboard, found by Test-ClawdTalkMission: a stable id
    /// (RunEndedWithEventsPending, RunStillRunning, StepPendingEventDone, EventNotInMemory, EventNotOnTimeline, AgentNotLinked,
    /// PollerLeftBehind, RunFailedWithoutError), what was seen, and the cmdlet that repairs it.
    /// </summary>
    public sealed class MissionFinding
    {
        /// <summary>The stable id of the kind of problem.</summary>
        public string FindingId { get; internal set; } = "";
        public FindingSeverity Severity { get; internal set; }
        public string? Slug { get; internal set; }
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        /// <summary>The plan step concerned, when there is one.</summary>
        public string? StepId { get; internal set; }
        /// <summary>The scheduled event concerned, when there is one.</summary>
        public string? EventId { get; internal set; }
        /// <summary>The assistant concerned (AgentNotLinked), when there is one.</summary>
        public string? AssistantId { get; internal set; }
        /// <summary>What was seen, in words.</summary>
        public string Evidence { get; internal set; } = "";
        /// <summary>The cmdlet that repairs it (Test-ClawdTalkMission -Fix applies the safe repairs itself).</summary>
        public string Repair { get; internal set; } = "";
        /// <summary>True when -Fix can repair it without asking anything of the user.</summary>
        public bool CanFix { get; internal set; }
        /// <summary>True when -Fix repaired it in this call.</summary>
        public bool Fixed { get; internal set; }
        /// <summary>Why -Fix did not repair it (declined by -WhatIf/Confirm, or the repair failed), when it did not.</summary>
        public string? FixNote { get; internal set; }

        public override string ToString() => FindingId + ": " + Evidence;
    }
}
