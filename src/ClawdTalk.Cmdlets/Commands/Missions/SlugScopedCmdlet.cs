using System.Management.Automation;
using ClawdTalk.Completers;
using ClawdTalk.Missions;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// A cmdlet that works on one mission of the state store, named by its slug (positional, from the pipeline by
    /// property name): its bookkeeping lives in the slug's entry, so there is no id-only form.
    /// </summary>
    public abstract class SlugScopedCmdlet : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        /// <summary>The slug's mission and run (the run must exist unless <paramref name="needRun"/> is false).</summary>
        internal MissionTarget Target(bool needRun = true) => FromSlug(Slug, needRun);
    }
}
