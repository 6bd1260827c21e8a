using System.Collections;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`GET /missions/{id}/runs/{run}` or the mission's runs.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkRun", DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionRun))]
    public sealed class GetClawdTalkRunCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        // null or empty (an object piped in without a run) lists the mission's runs
        [Parameter(Position = 1, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string? RunId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        protected override void Process()
        {
            if (ParameterSetName == BySlug)
            {
                var t = FromSlug(Slug);
                WriteObject(WithSlug(Run(ct => Missions.ReadRunAsync(t.MissionId, t.RunId, ct)), t.Slug));
                return;
            }
            if (!string.IsNullOrEmpty(RunId))
            {
                WriteObject(WithSlug(Run(ct => Missions.ReadRunAsync(MissionId, RunId!, ct)), TrySlugOf(MissionId, RunId)));
                return;
            }
            foreach (var run in Run(ct => Missions.ReadRunsAsync(MissionId, ct)))
            {
                WriteObject(WithSlug(run, TrySlugOf(MissionId, run.RunId)));
            }
        }

        static MissionRun WithSlug(MissionRun r, string? slug) { r.Slug = slug; return r; }
    }
}
