using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Set- and Add-ClawdTalkMemory: one key of one slug's memory, changed under the store's lock.</summary>
    /// <remarks>Not a MemoryCmdlet (at most two bases of ours under a cmdlet): -Slug is declared as MemoryCmdlet declares it.</remarks>
    public abstract class MemoryWriteCmdlet : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        internal MissionStateStore Store => MissionStateStore.Default;

        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(MemoryKeyCompleter))]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = "";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract object? RawValue { get; }
        internal abstract string Action { get; }
        internal abstract void Apply(JObject memory, JToken value);

        protected override void Process()
        {
            var value = UserInput.Value(RawValue, $"The memory value of '{Key}'", ErrorIds.InvalidMemoryJson);
            Store.Require(Slug);
            if (!ShouldProcess($"{Slug} memory '{Key}'", Action)) return;
            var entry = Store.UpdateExisting(Slug, e => Apply(MissionStateStore.MemoryOf(e), value));
            if (PassThru) WriteObject(MemoryCmdlet.Entry(Slug, Key, MissionStateStore.MemoryOf(entry)[Key]));
        }
    }
}
