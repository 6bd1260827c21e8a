namespace ClawdTalk.Commands.Missions
{
    /// <summary>`POST /missions`: one mission, nothing else (Initialize-ClawdTalkMission does the whole published flow).</summary>
    [Cmdlet(VerbsCommon.New, "ClawdTalkMission", SupportsShouldProcess = true)]
    [OutputType(typeof(Mission))]
    public sealed class NewClawdTalkMissionCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Instructions { get; set; } = "";

        protected override void Process()
        {
            var (name, _) = UserInput.MissionName(Name);
            if (!ShouldProcess(name, "Create the mission")) return;
            WriteObject(Run(ct => Missions.NewMissionAsync(name, Instructions, ct)));
        }
    }
}
