using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Reads a mission's memory: every key, the keys matching -Key, or one value with -ValueOnly.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMemory")]
    [OutputType(typeof(MissionMemoryEntry), typeof(object))]
    public sealed class GetClawdTalkMemoryCommand : MemoryCmdlet
    {
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(MemoryKeyCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Key { get; set; }

        [Parameter]
        public SwitchParameter ValueOnly { get; set; }

        protected override void Process()
        {
            var memory = Store.Require(Slug)[StateKeys.Memory] as JObject ?? new JObject();
            if (Key != null && !WildcardPattern.ContainsWildcardCharacters(Key) && memory[Key] == null)
                throw new ClawdTalkException(ErrorIds.MemoryKeyNotFound, ErrorCategory.ObjectNotFound, $"The memory of '{Slug}' has no key '{Key}'.", Key);
            var pattern = new WildcardPattern(Key ?? "*", WildcardOptions.IgnoreCase);
            foreach (var p in memory.Properties().Where(p => Key == null || p.Name == Key || pattern.IsMatch(p.Name)))
            {
                if (ValueOnly) WriteObject(Json.ToPowerShell(p.Value), p.Value.Type == JTokenType.Array); // a list goes down the pipeline item by item
                else WriteObject(Entry(Slug, p.Name, p.Value));
            }
        }
    }
}
