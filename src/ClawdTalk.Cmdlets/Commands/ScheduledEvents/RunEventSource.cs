using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// The scheduled events of a mission run: the records in its memory (with what the targets carried and how attempts
    /// chain), merged with what the service lists for the run's assistants (current status). Events of the run that the
    /// memory does not know (scheduled by other tools) are included from the service.
    /// </summary>
    internal static class RunEventSource
    {
        public static async Task<List<ScheduledEvent>> ForRunAsync(MissionStateStore store, MissionsApi missions, ScheduledEventsApi api, MissionTarget t,
            bool latestOnly, bool refresh, Action<string> log, CancellationToken ct)
        {
            var entry = t.Slug == null ? null : store.Find(t.Slug);
            var records = EventRecords.Read(entry).Where(r => (Json.Str(r, "run_id") ?? t.RunId) == t.RunId).ToList();
            var result = new List<ScheduledEvent>();
            var byId = new Dictionary<string, ScheduledEvent>(StringComparer.Ordinal);
            foreach (var r in records)
            {
                var ev = EventLedger.FromRecord(r, t.Slug, t.MissionId, t.RunId);
                if (ev.EventId.Length == 0 || byId.ContainsKey(ev.EventId)) continue;
                ev.PreviousAttempts = EventLedger.AttemptsBefore(records, ev);
                byId[ev.EventId] = ev;
                result.Add(ev);
            }
            if (refresh || records.Count == 0)
            {
                var assistants = new List<string>();
                void Add(string? a) { if (!string.IsNullOrEmpty(a) && !assistants.Contains(a!)) assistants.Add(a!); }
                foreach (var r in records) Add(Json.Str(r, "assistant_id"));
                if (entry != null) Add(Json.Str(entry, StateKeys.AssistantId));
                if (records.Count == 0)
                    foreach (var a in await missions.ListAgentsAsync(t.MissionId, t.RunId, ct).ConfigureAwait(false)) Add(Json.Str(a, "telnyx_agent_id", "agent_id"));
                foreach (var aid in assistants)
                {
                    IReadOnlyList<JObject> listed;
                    try { listed = await api.ListAsync(aid, ct).ConfigureAwait(false); }
                    catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound)
                    {
                        log($"The assistant {aid} no longer exists; its events are shown as the mission's memory last saw them.");
                        continue;
                    }
                    foreach (var o in listed)
                    {
                        var id = Json.Str(o, "id", "event_id");
                        if (id == null) continue;
                        if (byId.TryGetValue(id, out var known)) { known.Apply(o); continue; }
                        if (Json.Str(o, "run_id") != t.RunId) continue;
                        var ev = ScheduledEvent.FromJson(o, aid);
                        ev.Slug = t.Slug; ev.MissionId = t.MissionId; ev.RunId = t.RunId;
                        byId[id] = ev;
                        result.Add(ev);
                    }
                }
            }
            if (latestOnly)
            {
                var superseded = new HashSet<string>(records.Where(r => Json.Str(r, "retried_by") != null).Select(r => Json.Str(r, "event_id")!), StringComparer.Ordinal);
                result.RemoveAll(e => superseded.Contains(e.EventId));
            }
            return result;
        }
    }
}
