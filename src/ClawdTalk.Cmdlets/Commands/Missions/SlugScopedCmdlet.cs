namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// A cmdlet that works on one mission of the state store, named by its slug (positional, from the pipeline by
    /// property name): its bookkeeping lives in the slug's entry, so there is no id-only form. The bookkeeping is an
    /// object it holds (<see cref="Book"/>), not a base class.
    /// </summary>
    public abstract class SlugScopedCmdlet : ClawdTalkCmdlet
    {
        MissionBookkeeping? _book;

        /// <summary>The mission bookkeeping (state store, run events, memory, the run's end) this cmdlet holds.</summary>
        internal MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);

        internal MissionStateStore Store => Book.Store;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        /// <summary>The slug's mission and run (the run must exist unless <paramref name="needRun"/> is false).</summary>
        internal MissionTarget Target(bool needRun = true) => Book.FromSlug(Slug, needRun);
    }
}
