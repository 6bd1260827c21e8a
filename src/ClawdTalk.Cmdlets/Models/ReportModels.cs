namespace ClawdTalk
{
    /// <summary>A mission report Export-ClawdTalkMissionReport wrote: which run it shows, what it counted, and where it is.</summary>
    public sealed class MissionReportFile
    {
        /// <summary>The HTML file (full path): `Invoke-Item` opens it.</summary>
        public string Path { get; internal set; } = "";
        public string? Slug { get; internal set; }
        public string MissionId { get; internal set; } = "";
        public string? MissionName { get; internal set; }
        public string RunId { get; internal set; } = "";
        /// <summary>The run's status when the report was made.</summary>
        public RunStatus Status { get; internal set; }
        /// <summary>The numbers the run's calls and texts went to (each counted once, by its latest attempt).</summary>
        public int Targets { get; internal set; }
        public int Reached { get; internal set; }
        public int NotReached { get; internal set; }
        /// <summary>Events on the run's timeline.</summary>
        public int Events { get; internal set; }
        /// <summary>True when an existing file was replaced.</summary>
        public bool Replaced { get; internal set; }
        public long Length { get; internal set; }
        public DateTimeOffset GeneratedAt { get; internal set; }

        public override string ToString() => Path;
    }
}
