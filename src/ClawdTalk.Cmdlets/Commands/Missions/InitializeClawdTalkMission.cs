namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The published `init`: mission, run, plan, running, in the slug store. The cmdlet checks the input, asks
    /// ShouldProcess and writes the state; the phases are <see cref="MissionInitializer"/>'s.
    /// </summary>
    [Cmdlet(VerbsData.Initialize, "ClawdTalkMission", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class InitializeClawdTalkMissionCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [Alias("MissionName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Instructions { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("OriginalRequest")]
        public string Request { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Steps")]
        public object[]? Step { get; set; }

        [Parameter]
        public object? Context { get; set; }

        protected override void Process()
        {
            // Everything is checked before the first request.
            var (name, slug) = UserInput.MissionName(Name);
            var request = new MissionInitRequest
            {
                Name = name, Slug = slug, Instructions = Instructions, Request = Request,
                Steps = UserInput.Steps(Step),
                Context = Context == null ? null : UserInput.Value(Context, "The context", ErrorIds.InvalidContextJson),
            };
            var collision = MissionInitializer.Collision(Store, slug, name);
            if (collision != null) throw collision;
            var existing = Store.Find(slug);
            var existingId = existing == null ? null : Json.Str(existing, StateKeys.MissionId);
            var action = existingId == null
                ? $"Create the mission '{name}' with a run and a plan of {request.Steps.Count} step(s)"
                : $"Resume the mission '{name}' ({existingId}), or start a new run when its last one has ended";
            if (!ShouldProcess(slug, action)) return;

            var entry = new MissionInitializer(Store, new CmdletBookkeeper(this)).Initialize(request);
            WriteObject(Store.ToModel(slug, entry));
        }
    }
}
