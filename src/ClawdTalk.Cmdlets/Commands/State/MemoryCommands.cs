using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Completers;
using ClawdTalk.Lifecycle;
using ClawdTalk.State;
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

    /// <summary>Set- and Add-ClawdTalkMemory: one key of one slug's memory, changed under the store's lock.</summary>
    public abstract class MemoryWriteCmdlet : MemoryCmdlet
    {
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
            var value = UserInput.Value(RawValue, $"The memory value of '{Key}'", "InvalidMemoryJson");
            Store.Require(Slug);
            if (!ShouldProcess($"{Slug} memory '{Key}'", Action)) return;
            var entry = Store.UpdateExisting(Slug, e => Apply(MissionStateStore.MemoryOf(e), value));
            if (PassThru) WriteObject(Entry(Slug, Key, MissionStateStore.MemoryOf(entry)[Key]));
        }
    }

    /// <summary>Sets one memory key of a mission (the published `save-memory`).</summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkMemory", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionMemoryEntry))]
    public sealed class SetClawdTalkMemoryCommand : MemoryWriteCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [AllowNull]
        [AllowEmptyString]
        public object? Value { get; set; }

        internal override object? RawValue => Value;
        internal override string Action => "Set";
        internal override void Apply(JObject memory, JToken value) => memory[Key] = value;
    }

    /// <summary>Appends to one memory key of a mission: the value becomes (or joins) a list; concurrent appends are never lost.</summary>
    [Cmdlet(VerbsCommon.Add, "ClawdTalkMemory", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionMemoryEntry))]
    public sealed class AddClawdTalkMemoryCommand : MemoryWriteCmdlet
    {
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [AllowNull]
        [AllowEmptyString]
        public object? Value { get; set; }

        internal override object? RawValue => Value;
        internal override string Action => "Append";
        internal override void Apply(JObject memory, JToken value) => MissionStateStore.Append(memory, Key, value);
    }

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
                throw new ClawdTalkException("MemoryKeyNotFound", ErrorCategory.ObjectNotFound, $"The memory of '{Slug}' has no key '{Key}'.", Key);
            var pattern = new WildcardPattern(Key ?? "*", WildcardOptions.IgnoreCase);
            foreach (var p in memory.Properties().Where(p => Key == null || p.Name == Key || pattern.IsMatch(p.Name)))
            {
                if (ValueOnly) WriteObject(Json.ToPowerShell(p.Value), p.Value.Type == JTokenType.Array); // a list goes down the pipeline item by item
                else WriteObject(Entry(Slug, p.Name, p.Value));
            }
        }
    }
}
