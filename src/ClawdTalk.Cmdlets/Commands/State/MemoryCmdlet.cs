using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Memory cmdlets: one slug's `memory` object in the state store.</summary>
    public abstract class MemoryCmdlet : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        internal MissionStateStore Store => MissionStateStore.Default;

        internal static MissionMemoryEntry Entry(string slug, string key, JToken? value) =>
            new MissionMemoryEntry { Slug = slug, Key = key, Value = Json.ToPowerShell(value), Json = value?.ToString(Newtonsoft.Json.Formatting.None) ?? "null" };
    }
}
