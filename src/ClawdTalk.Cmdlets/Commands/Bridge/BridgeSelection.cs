using ClawdTalk.Bridge;
using ClawdTalk.Config;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>A selected bridge: a job of this session, or one another process runs (known by its status file).</summary>
    internal sealed class BridgeTarget
    {
        public BridgeJob? Job;
        public string? Hash;
        public Newtonsoft.Json.Linq.JObject? File;
        BridgeStatus? _status;

        public BridgeStatus Status
        {
            get => _status ?? Job!.Status;
            set => _status = value;
        }

        /// <summary>The current status (read again for another process's bridge).</summary>
        public BridgeStatus Refresh()
        {
            if (Job != null) return Job.Status;
            var f = BridgeFiles.ReadStatus(Hash!);
            if (f != null) _status = BridgeFiles.FromFile(f, BridgeFiles.IsHeld(Hash!));
            else _status!.State = BridgeState.Stopped;
            return _status!;
        }
    }

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

        /// <summary>
        /// The selected bridges of this session and, by name or instance id, the bridges other processes of this user run
        /// on this machine (their status files): a detached bridge, one under a service manager, one in another session.
        /// </summary>
        internal IEnumerable<BridgeTarget> SelectedTargets(bool includeStopped = false)
        {
            var local = new List<BridgeJob>();
            var others = Others(includeStopped).ToList();
            // remote bridges matching the selection are not "not found" errors for the session's own list
            var localOnly = ParameterSetName == ById;
            foreach (var job in SelectedQuietly(others))
            {
                local.Add(job);
                yield return new BridgeTarget { Job = job };
            }
            if (localOnly) yield break;
            foreach (var o in others)
            {
                var matches = ParameterSetName == ByInstanceId ? InstanceId.Contains(o.Status.InstanceId)
                    : Name == null || Name.Any(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase).IsMatch(o.Status.Name));
                if (matches) yield return o;
            }
        }

        IEnumerable<BridgeJob> SelectedQuietly(List<BridgeTarget> others)
        {
            var all = Session.Feature(() => new BridgeRegistry()).All();
            switch (ParameterSetName)
            {
                case ById:
                    foreach (var j in Selected()) yield return j;
                    yield break;
                case ByInstanceId:
                    foreach (var id in InstanceId)
                    {
                        var job = all.FirstOrDefault(j => j.InstanceId == id);
                        if (job != null) yield return job;
                        else if (!others.Any(o => o.Status.InstanceId == id)) WriteError(NotFound($"No bridge with instance id {id} on this machine.", id));
                    }
                    yield break;
                default:
                    if (Name == null)
                    {
                        foreach (var j in all) yield return j;
                        yield break;
                    }
                    var seen = new HashSet<Guid>();
                    foreach (var name in Name)
                    {
                        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                        var matches = all.Where(j => pattern.IsMatch(j.Name)).ToList();
                        if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name) && !others.Any(o => pattern.IsMatch(o.Status.Name)))
                            WriteError(NotFound($"No bridge named '{name}' on this machine. Get-ClawdTalkBridge lists the bridges of this session and of other processes.", name));
                        foreach (var m in matches)
                            if (seen.Add(m.InstanceId)) yield return m;
                    }
                    yield break;
            }
        }

        /// <summary>
        /// Bridges of other processes for this session's key (every key when none is configured): a status file whose lock
        /// is held by a process other than this one.
        /// </summary>
        IEnumerable<BridgeTarget> Others(bool includeStopped)
        {
            string? mine = null;
            try { mine = BridgeLock.KeyHash(ConnectionResolver.Resolve(Session).ApiKey); }
            catch (ClawdTalkException) { }
            foreach (var hash in BridgeFiles.Known())
            {
                if (mine != null && hash != mine) continue;
                var file = BridgeFiles.ReadStatus(hash);
                if (file == null || Json.Int(file, "pid") == BridgeProcess.Id) continue;
                var running = BridgeFiles.IsHeld(hash);
                if (!running && !includeStopped) continue;
                yield return new BridgeTarget { Hash = hash, File = file, Status = BridgeFiles.FromFile(file, running) };
            }
        }

        static ClawdTalkException NotFound(string message, object target) =>
            new ClawdTalkException(ErrorIds.BridgeNotFound, ErrorCategory.ObjectNotFound, message, target);
    }
}
