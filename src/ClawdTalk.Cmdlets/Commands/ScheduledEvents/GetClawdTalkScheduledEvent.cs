using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// Scheduled calls and texts: of a mission run (every attempt, the memory's records merged with the service's current
    /// status), or of an assistant (`GET /assistants/{id}/events`), or single events by id.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkScheduledEvent", DefaultParameterSetName = BySlug)]
    [OutputType(typeof(ScheduledEvent))]
    public sealed class GetClawdTalkScheduledEventCommand : MissionCmdlet
    {
        internal const string ByAssistant = "ByAssistant", ByRun = "ByRun";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByRun)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByRun)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByAssistant, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string AssistantId { get; set; } = "";

        [Parameter(ParameterSetName = ByAssistant, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EventIdCompleter))]
        public string[]? EventId { get; set; }

        [Parameter]
        public ScheduledEventStatus[]? Status { get; set; }

        [Parameter]
        public ScheduledEventChannel? Channel { get; set; }

        [Parameter(ParameterSetName = BySlug)]
        [Parameter(ParameterSetName = ByRun)]
        public SwitchParameter Latest { get; set; }

        protected override void Process()
        {
            var api = ScheduledEvents;
            IEnumerable<ScheduledEvent> events;
            if (ParameterSetName == ByAssistant)
            {
                if (EventId != null && EventId.Length > 0)
                {
                    var list = new List<ScheduledEvent>();
                    foreach (var id in EventId)
                    {
                        try
                        {
                            var o = Run(ct => api.GetAsync(AssistantId, id, ct)) ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, $"The service answered without the event {id}.", id);
                            list.Add(Enrich(ScheduledEvent.FromJson(o, AssistantId)));
                        }
                        catch (ClawdTalkException ex) { WriteError(ex); }
                    }
                    events = list;
                }
                else events = Run(ct => api.ListAsync(AssistantId, ct)).Select(o => Enrich(ScheduledEvent.FromJson(o, AssistantId))).ToList();
            }
            else
            {
                var t = ParameterSetName == BySlug ? FromSlug(Slug) : FromIds(MissionId, RunId);
                events = Run(ct => RunEventSource.ForRunAsync(Store, Missions, api, t, latestOnly: Latest, refresh: true, LogVerbose, ct));
            }
            foreach (var ev in events)
            {
                if (Status != null && Status.Length > 0 && !Status.Contains(ev.Status)) continue;
                if (Channel.HasValue && ev.Channel != Channel.Value) continue;
                WriteObject(ev);
            }
        }

        StoreIndex? _index;
        readonly Dictionary<string, IReadOnlyList<Newtonsoft.Json.Linq.JObject>> _records = new Dictionary<string, IReadOnlyList<Newtonsoft.Json.Linq.JObject>>(StringComparer.Ordinal);

        /// <summary>Adds the slug (and the memory's record) of the run an assistant's event belongs to.</summary>
        ScheduledEvent Enrich(ScheduledEvent ev)
        {
            if (ev.MissionId == null || ev.RunId == null) return ev;
            var (slug, r) = (_index ??= StoreIndex.Read(Store, WriteVerbose)).Find(ev);
            ev.Slug = slug;
            if (slug == null || r == null) return ev;
            if (!_records.TryGetValue(slug, out var records)) _records[slug] = records = EventRecords.Read(Store.Find(slug));
            var rich = EventLedger.FromRecord(r, ev.Slug, ev.MissionId, ev.RunId);
            rich.PreviousAttempts = EventLedger.AttemptsBefore(records, rich);
            if (ev.Raw is PSObject raw) rich.Apply(Json.FromPowerShell(raw) as Newtonsoft.Json.Linq.JObject ?? new Newtonsoft.Json.Linq.JObject());
            rich.AssistantId = ev.AssistantId;
            return rich;
        }
    }
}
