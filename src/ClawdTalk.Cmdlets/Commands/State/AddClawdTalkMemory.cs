using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
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
}
