using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
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
}
