namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The one Slug/MissionId/RunId block: a cmdlet that works on one run, given by -MissionId and -RunId (set ById) or
    /// by -Slug (set BySlug), all three bound from the pipeline by property name, resolved by <see cref="Target"/>.
    /// Every cmdlet that works on one given run derives from it. Slug has no position here, so a derived cmdlet's own
    /// positional parameters (Set-ClawdTalkStep's StepId and Status) keep theirs.
    /// Register-ClawdTalkCall and -Sms (RegisterEventCmdlet) add a third set of their own, Standalone (a text without a
    /// mission). The variant, declared once:
    /// - <see cref="SlugScopedCmdlet"/>: a mission of the state store given by its slug only (positional -Slug), for the
    ///   cmdlets whose bookkeeping lives in the slug's entry (Add-ClawdTalkAgent, Complete-/Stop-ClawdTalkMission,
    ///   Export-ClawdTalkMissionReport).
    /// Not on a run base, because they are not about one given run: Get-ClawdTalkRun (run optional: without it, the
    /// mission's runs), Get-ClawdTalkMission (a mission, no run), Test-ClawdTalkMission (slug optional: every mission)
    /// and Get-ClawdTalkInsight (slug and ids only label its output). They resolve through
    /// <see cref="MissionCmdlet.FromSlug"/>/<see cref="MissionCmdlet.FromIds"/> like this block.
    /// It derives from ClawdTalkCmdlet itself (at most one base of ours between a cmdlet and it): the mission bookkeeping
    /// is an object it holds, <see cref="Book"/>, not a base class.
    /// </summary>
    public abstract class RunScopedCmdlet : ClawdTalkCmdlet
    {
        internal const string ById = MissionCmdlet.ById, BySlug = MissionCmdlet.BySlug;

        MissionBookkeeping? _book;

        /// <summary>The mission bookkeeping (state store, run events, memory, the run's end) this cmdlet holds.</summary>
        internal MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);

        internal MissionStateStore Store => Book.Store;

        [Parameter(Mandatory = true, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = "";

        /// <summary>The run the parameters name: the slug's mission and run, or the ids (with their slug looked up).</summary>
        internal MissionTarget Target() => ParameterSetName == BySlug ? Book.FromSlug(Slug) : Book.FromIds(MissionId, RunId);
    }
}
