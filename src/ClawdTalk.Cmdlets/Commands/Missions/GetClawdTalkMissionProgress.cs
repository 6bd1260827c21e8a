using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// Where a mission stands, at once: the run, its steps, the calls and texts by outcome, what is still to come and when,
    /// whether insights are ready, what follows it (a poller, notices to the agent) and what to do next. It reads the mission
    /// state store, and for a mission still running at most a few cheap requests (the run, the plan, the insights of up to
    /// three conversations); -Offline asks nothing. It never waits: this is how an agent checks back.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMissionProgress")]
    [OutputType(typeof(MissionProgress))]
    public sealed class GetClawdTalkMissionProgressCommand : MissionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Slug { get; set; }

        /// <summary>Only the store: no request to the service.</summary>
        [Parameter]
        public SwitchParameter Offline { get; set; }

        IReadOnlyList<PollerEntry>? _pollers;
        bool? _runs;
        bool _serviceUnusable;

        protected override void Process()
        {
            foreach (var (p, wildcard, entries) in Store.Matching(Slug))
            {
                if (entries.Count == 0 && !wildcard) { WriteError(MissionStateStore.NotFound(p, Store.Path)); continue; }
                // running missions first
                foreach (var e in entries.OrderBy(x => (Json.Str(x.Value, StateKeys.Status) ?? "active") == "active" ? 0 : 1).ThenBy(x => x.Key, StringComparer.Ordinal))
                    WriteObject(Look(e.Key, e.Value));
            }
        }

        MissionProgress Look(string slug, JObject entry)
        {
            var reads = new ProgressReads { Poller = Pollers().FirstOrDefault(x => x.Slug == slug), PollerRuns = _runs };
            var active = (Json.Str(entry, StateKeys.Status) ?? "active") == "active";
            var mid = Json.Str(entry, StateKeys.MissionId);
            var rid = Json.Str(entry, StateKeys.RunId);
            if (!Offline && !_serviceUnusable && mid != null && rid != null)
            {
                try
                {
                    if (active)
                    {
                        // the run, its plan, and its calls and texts as the service lists them (one request per assistant)
                        reads.Run = Run(ct => Missions.ReadRunAsync(mid, rid, ct));
                        var plan = Run(ct => Missions.TryReadPlanAsync(mid, rid, slug, ct));
                        if (plan != null) reads.Plan = plan;
                        var records = MissionProgressReader.RecordsOfRun(entry);
                        if (records.Any(r => !r.IsFinal))
                        {
                            reads.Events = new Dictionary<string, JObject>(StringComparer.Ordinal);
                            foreach (var aid in records.Select(r => r.AssistantId ?? Json.Str(entry, StateKeys.AssistantId)).Where(a => a != null).Distinct())
                                foreach (var ev in Run(ct => ScheduledEvents.ListAsync(aid!, ct)))
                                    if (Json.Str(ev, "id", "event_id") is string id) reads.Events[id] = ev;
                        }
                    }
                    reads.TimeScale = Api.Connection.TimeScale;
                    reads.ServiceNow = Api.Connection.Clock.GetUtcNow();
                    foreach (var conversation in MissionProgressReader.Conversations(entry).Take(MissionProgressReader.InsightChecks))
                    {
                        var items = Run(ct => Missions.ReadInsightsAsync(conversation, ct));
                        reads.InsightsChecked++;
                        if (items.Any(i => string.Equals(i.Status, "completed", StringComparison.OrdinalIgnoreCase))) reads.InsightsReady++;
                    }
                }
                catch (ClawdTalkException ex)
                {
                    // what the service could not tell, the store still does: said, and the rest of the look goes on
                    reads.Warnings.Add($"The service could not be asked ({ex.ErrorId}): {ex.Message} What follows is the store's.");
                    if (ex.ErrorId == ErrorIds.NoApiKey || ex.ErrorId == ErrorIds.ApiUnauthorized || ex.ErrorId == ErrorIds.ServerUnreachable) _serviceUnusable = true;
                }
            }
            return MissionProgressReader.Read(slug, entry, reads, DateTimeOffset.UtcNow);
        }

        /// <summary>The pollers of this user (read once per command; none when no scheduler is installed).</summary>
        IReadOnlyList<PollerEntry> Pollers()
        {
            if (_pollers != null) return _pollers;
            try
            {
                var scheduler = PollerSchedulers.ForPlatform();
                _pollers = scheduler.Available ? scheduler.List() : Array.Empty<PollerEntry>();
                _runs = _pollers.Count > 0 ? scheduler.Runs : null;
            }
            catch (ClawdTalkException ex)
            {
                WriteVerbose("The pollers could not be listed: " + ex.Message);
                _pollers = Array.Empty<PollerEntry>();
            }
            return _pollers;
        }
    }
}
