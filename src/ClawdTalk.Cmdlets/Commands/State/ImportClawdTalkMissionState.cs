using System;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Boundary;
using ClawdTalk.Commands.Base;
using ClawdTalk.Completers;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
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
                var problem = MissionStateStore.Problem(p.Name, entry);
                if (problem != null)
                {
                    WriteError(new ClawdTalkException(ErrorIds.StateEntryInvalid, ErrorCategory.InvalidData, $"{problem} in {source}; it was not imported.", OutsideText.Visible(p.Name)));
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
