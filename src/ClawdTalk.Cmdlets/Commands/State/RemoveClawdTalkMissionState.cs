using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Forgets slugs in the store (the service's missions are not touched).</summary>
    [Cmdlet(VerbsCommon.Remove, "ClawdTalkMissionState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveClawdTalkMissionStateCommand : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Slug { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var store = MissionStateStore.Default;
            foreach (var slug in Slug)
            {
                var entry = store.Find(slug);
                if (entry == null) { WriteError(MissionStateNotFound(slug, store)); continue; }
                var status = Json.Str(entry, StateKeys.Status) ?? "active";
                var active = status == "active" && Json.Str(entry, StateKeys.RunId) != null;
                if (!Confirmed(Force, slug, active ? "Forget the mission state (its run is still open on the service)" : "Forget the mission state")) continue;
                if (active)
                    WriteWarning($"The run {Json.Str(entry, StateKeys.RunId)} of '{slug}' is still open on the service; end it with Stop-ClawdTalkMission or Complete-ClawdTalkMission, or it stays 'running' on the dashboard.");
                store.Update(slug, _ => null);
            }
        }

        static ClawdTalkException MissionStateNotFound(string slug, MissionStateStore store) => MissionStateStore.NotFound(slug, store.Path);
    }
}
