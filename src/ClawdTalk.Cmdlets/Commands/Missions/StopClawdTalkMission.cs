using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>Ends a mission that will not succeed: its run cancelled (or failed with -Failed), open steps closed, pollers removed; once per mission, in the end block.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "ClawdTalkMission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MissionState))]
    public sealed class StopClawdTalkMissionCommand : SlugScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; } = "";

        [Parameter]
        public SwitchParameter Failed { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        // Each mission piped in is stopped once, in the end block (a mission's events or steps piped in stop it once).
        readonly List<string> _order = new List<string>();

        protected override void Process()
        {
            if (!_order.Contains(Slug)) _order.Add(Slug);
        }

        protected override void End()
        {
            foreach (var slug in _order)
            {
                try { StopOne(slug); }
                catch (ClawdTalkException ex) when (!ex.Terminating) { WriteError(ex); }
            }
        }

        void StopOne(string Slug)
        {
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", ErrorIds.InvalidPayloadJson);
            var t = Book.FromSlug(Slug);
            var entry = Store.Require(Slug);
            var local = Json.Str(entry, StateKeys.Status) ?? "active";
            if (local != "active")
            {
                WriteWarning($"The mission '{Slug}' has already ended as {local}; nothing was changed.");
                WriteObject(Store.ToModel(Slug, entry));
                return;
            }
            var status = Failed ? RunStatus.Failed : RunStatus.Cancelled;
            if (!Confirmed(Force, Slug, $"{(Failed ? "Fail" : "Cancel")} run {t.RunId}: {Reason}")) return;
            var result = new JObject { ["reason"] = Reason };
            if (payload != null) result["payload"] = payload;
            Book.EndRun(t, status, Reason, result, Failed ? MissionEventType.Error : MissionEventType.Custom, Failed ? "failure" : "cancellation");
            WriteObject(Store.ToModel(Slug, Store.Require(Slug)));
        }
    }
}
