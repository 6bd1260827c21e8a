using System;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Completers;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Lists the slug store: every mission this module (or the published client) keeps ids and memory for.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMissionState")]
    [OutputType(typeof(MissionState))]
    public sealed class GetClawdTalkMissionStateCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Slug { get; set; }

        [Parameter]
        public MissionStateStatus[]? Status { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        protected override void Process()
        {
            var store = Path == null ? MissionStateStore.Default : new MissionStateStore(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
            var entries = store.Entries().ToList();
            var patterns = Slug ?? new[] { "*" };
            foreach (var p in patterns)
            {
                var wildcard = WildcardPattern.ContainsWildcardCharacters(p);
                var pattern = new WildcardPattern(p, WildcardOptions.IgnoreCase);
                var found = false;
                foreach (var e in entries.Where(x => wildcard ? pattern.IsMatch(x.Key) : x.Key == p))
                {
                    var state = store.ToModel(e.Key, e.Value);
                    if (Status != null && !Status.Contains(state.Status)) continue;
                    found = true;
                    WriteObject(state);
                }
                if (!found && !wildcard && !entries.Any(x => x.Key == p)) WriteError(MissionStateStore.NotFound(p, store.Path));
            }
        }
    }

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

    /// <summary>Brings the slugs of another state file (e.g. the published client's ./.missions_state.json) into the store.</summary>
    [Cmdlet(VerbsData.Import, "ClawdTalkMissionState", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class ImportClawdTalkMissionStateCommand : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Slug { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var source = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!System.IO.File.Exists(source))
                throw new ClawdTalkException("StateFileNotFound", ErrorCategory.ObjectNotFound, $"The state file {source} does not exist.", source);
            var incoming = MissionStateStore.ReadFile(source, "StateFileInvalid");
            var store = MissionStateStore.Default;
            var patterns = (Slug ?? new[] { "*" }).Select(s => new WildcardPattern(s, WildcardOptions.IgnoreCase)).ToList();
            foreach (var p in incoming.Properties())
            {
                if (!patterns.Any(w => w.IsMatch(p.Name))) continue;
                if (!(p.Value is JObject entry))
                {
                    WriteWarning($"'{p.Name}' in {source} is not a mission entry; skipped.");
                    continue;
                }
                var existing = store.Find(p.Name);
                if (existing != null && !Force)
                {
                    if (Json.Str(existing, StateKeys.MissionId) == Json.Str(entry, StateKeys.MissionId) && Json.Str(existing, StateKeys.RunId) == Json.Str(entry, StateKeys.RunId))
                    {
                        WriteVerbose($"'{p.Name}' is already in {store.Path} with the same mission and run; kept as it is.");
                        WriteObject(store.ToModel(p.Name, existing));
                        continue;
                    }
                    WriteError(new ClawdTalkException("MissionStateConflict", ErrorCategory.ResourceExists,
                        $"The store already has '{p.Name}' for another mission or run ({Json.Str(existing, StateKeys.MissionId)}/{Json.Str(existing, StateKeys.RunId)}); use -Force to replace it.", p.Name));
                    continue;
                }
                if (!ShouldProcess(p.Name, $"Import from {source} into {store.Path}")) continue;
                var written = store.Update(p.Name, _ => (JObject)entry.DeepClone())!;
                WriteObject(store.ToModel(p.Name, written));
            }
        }
    }
}
