using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Bridge;
using ClawdTalk.Commands.Base;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>What Get- and Stop-ClawdTalkBridge share: choosing bridges of this session by name (wildcards), job id or instance id.</summary>
    public abstract class BridgeSelectionCmdlet : ClawdTalkCmdlet
    {
        public const string ByName = "Name", ById = "Id", ByInstanceId = "InstanceId";

        [Parameter(Position = 0, ParameterSetName = ByName)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completers.BridgeNameCompleter))]
        public string[]? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ById)]
        public int[] Id { get; set; } = Array.Empty<int>();

        [Parameter(Mandatory = true, ParameterSetName = ByInstanceId, ValueFromPipelineByPropertyName = true)]
        public Guid[] InstanceId { get; set; } = Array.Empty<Guid>();

        /// <summary>The selected bridges; a literal name or id that matches nothing is reported as BridgeNotFound.</summary>
        internal IEnumerable<BridgeJob> Selected()
        {
            var all = Session.Feature(() => new BridgeRegistry()).All();
            switch (ParameterSetName)
            {
                case ById:
                    foreach (var id in Id)
                    {
                        var job = all.FirstOrDefault(j => j.Id == id);
                        if (job == null) WriteError(NotFound($"No bridge with job id {id} in this session.", id));
                        else yield return job;
                    }
                    break;
                case ByInstanceId:
                    foreach (var id in InstanceId)
                    {
                        var job = all.FirstOrDefault(j => j.InstanceId == id);
                        if (job == null) WriteError(NotFound($"No bridge with instance id {id} in this session.", id));
                        else yield return job;
                    }
                    break;
                default:
                    if (Name == null)
                    {
                        foreach (var j in all) yield return j;
                        break;
                    }
                    var seen = new HashSet<Guid>();
                    foreach (var name in Name)
                    {
                        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                        var matches = all.Where(j => pattern.IsMatch(j.Name)).ToList();
                        if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                            WriteError(NotFound($"No bridge named '{name}' in this session. Get-ClawdTalkBridge lists the bridges started here.", name));
                        foreach (var m in matches)
                            if (seen.Add(m.InstanceId)) yield return m;
                    }
                    break;
            }
        }

        static ClawdTalkException NotFound(string message, object target) =>
            new ClawdTalkException("BridgeNotFound", ErrorCategory.ObjectNotFound, message, target);
    }
}
