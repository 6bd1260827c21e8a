namespace ClawdTalk.Commands.Missions
{
    /// <summary>`GET /missions/{id}` or the list of missions.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMission", DefaultParameterSetName = List)]
    [OutputType(typeof(Mission))]
    public sealed class GetClawdTalkMissionCommand : MissionCmdlet
    {
        const string List = "List";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = BySlug)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        [Parameter(ParameterSetName = List)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter(ParameterSetName = List)]
        [ValidateRange(1, 100)]
        public int First { get; set; } = 20;

        protected override void Process()
        {
            switch (ParameterSetName)
            {
                case ById:
                    WriteObject(Run(ct => Missions.ReadMissionAsync(MissionId, ct)));
                    break;
                case BySlug:
                    WriteObject(Run(ct => Missions.ReadMissionAsync(FromSlug(Slug, needRun: false).MissionId, ct)));
                    break;
                default:
                    var pattern = Name == null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
                    foreach (var m in Run(ct => Missions.ReadMissionsAsync(First, ct)))
                        if (pattern == null || pattern.IsMatch(m.Name ?? "")) WriteObject(m);
                    break;
            }
        }
    }
}
