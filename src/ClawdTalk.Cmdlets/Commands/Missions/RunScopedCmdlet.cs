using System.Management.Automation;
using ClawdTalk.Completers;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>A cmdlet that works on one run, given by -MissionId and -RunId or by -Slug (both bind from the pipeline by property name).</summary>
    public abstract class RunScopedCmdlet : MissionCmdlet
    {
        [Parameter(Mandatory = true, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RunId { get; set; } = "";

        internal MissionTarget Target() => ParameterSetName == BySlug ? FromSlug(Slug) : FromIds(MissionId, RunId);
    }
}
