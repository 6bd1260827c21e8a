using System;
using System.Management.Automation;

namespace FloorModule
{
    /// <summary>The object the floor cmdlet writes: three columns, as a Mission row has.</summary>
    public sealed class FloorThing
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }

    /// <summary>Get-FloorThing: writes one object, sends nothing.</summary>
    [Cmdlet(VerbsCommon.Get, "FloorThing")]
    [OutputType(typeof(FloorThing))]
    public sealed class GetFloorThing : PSCmdlet
    {
        [Parameter(Position = 0)]
        public string Id { get; set; }

        protected override void ProcessRecord() => WriteObject(new FloorThing { Id = Id, Name = "floor", CreatedAt = DateTimeOffset.UtcNow });
    }
}
