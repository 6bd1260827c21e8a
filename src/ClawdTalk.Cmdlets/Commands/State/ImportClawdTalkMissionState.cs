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
            var incoming = MissionStateImport.Read(source);
            var store = MissionStateStore.Default;
            var patterns = (Slug ?? new[] { "*" }).Select(s => new WildcardPattern(s, WildcardOptions.IgnoreCase)).ToList();
            foreach (var item in MissionStateImport.Plan(incoming, store, name => patterns.Any(w => w.IsMatch(name))))
            {
                if (MissionStateImport.Refused(item, source, WriteWarning, WriteError)) continue;
                switch (item.Verdict)
                {
                    case ImportVerdict.Same when !Force:
                        WriteVerbose($"'{item.Slug}' is already in {store.Path} with the same mission and run; kept as it is.");
                        WriteObject(store.ToModel(item.Slug, item.Existing!));
                        continue;
                    case ImportVerdict.Conflict when !Force:
                        WriteError(MissionStateImport.Conflict(item, store, "use -Force to replace it."));
                        continue;
                }
                if (!ShouldProcess(item.Slug, $"Import from {source} into {store.Path}")) continue;
                WriteObject(store.ToModel(item.Slug, MissionStateImport.Apply(store, item)));
            }
        }
    }
}
