using ClawdTalk.ScheduledEvents;
using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>One scheduled event as the slug store records it (<see cref="EventRecords"/>).</summary>
    internal sealed class StoredEventRecord
    {
        public string EventId = "";
        public string? AssistantId, RunId, StepId, To, Status;
    }

    /// <summary>The store's event records as the mission check reads them (one list: <see cref="EventRecords"/>, older layouts included).</summary>
    internal static class StoredEventRecords
    {
        public static IReadOnlyList<StoredEventRecord> Of(JObject? entry)
        {
            var byId = new Dictionary<string, StoredEventRecord>(StringComparer.Ordinal);
            if (entry == null) return new List<StoredEventRecord>();
            foreach (var r in EventRecords.Read(entry))
            {
                var id = Json.Str(r, "event_id");
                if (id == null || byId.ContainsKey(id)) continue;
                byId[id] = new StoredEventRecord
                {
                    EventId = id, AssistantId = Json.Str(r, "assistant_id"), RunId = Json.Str(r, "run_id"), StepId = Json.Str(r, "step_id"),
                    To = Json.Str(r, "to"), Status = Json.Str(r, "status"),
                };
            }
            return byId.Values.ToList();
        }

        /// <summary>Adds the memory record of an event the service lists (the repair of EventNotInMemory).</summary>
        public static void AddToMemory(JObject entry, JObject serviceEvent, string assistantId, string? missionId, string? runId)
        {
            var ev = ScheduledEvent.FromJson(serviceEvent, assistantId);
            ev.MissionId = missionId;
            ev.RunId = Json.Str(serviceEvent, "run_id") ?? runId;
            var record = EventLedger.RecordOf(ev);
            EventLedger.SetOutcome(record, ev);
            record["restored_by"] = "Test-ClawdTalkMission";
            EventRecords.Upsert(entry, record);
        }
    }

    /// <summary>Everything the check looks at for one run: the service's view and the store's.</summary>
    internal sealed class MissionCheckInput
    {
        public string? Slug;
        public string MissionId = "", RunId = "";
        public JObject Run = new JObject();
        public JObject? Plan;
        public IReadOnlyList<JObject> Timeline = Array.Empty<JObject>();
        public IReadOnlyList<JObject> Agents = Array.Empty<JObject>();
        /// <summary>The scheduled events the service lists for this run (each with its assistant_id set).</summary>
        public IReadOnlyList<JObject> ServiceEvents = Array.Empty<JObject>();
        /// <summary>The slug's entry (null when the run has no slug).</summary>
        public JObject? Entry;
        /// <summary>The pollers the platform scheduler holds for the slug (null when the scheduler was not consulted).</summary>
        public IReadOnlyList<PollerEntry>? Pollers;
    }

    /// <summary>
    /// The rules of the mission check: each way a mission looks wrong on the ClawdTalk dashboard, as a finding with a
    /// stable id, the evidence, and the repair. Pure: it reads the input and changes nothing (the cmdlet repairs).
    /// </summary>
    internal static class MissionCheck
    {
        public const string RunStillRunning = "RunStillRunning", StepPendingEventDone = "StepPendingEventDone",
            EventNotInMemory = "EventNotInMemory", EventNotOnTimeline = "EventNotOnTimeline", AgentNotLinked = "AgentNotLinked",
            PollerLeftBehind = "PollerLeftBehind", RunFailedWithoutError = "RunFailedWithoutError", RunEndedWithEventsPending = "RunEndedWithEventsPending";

        static bool StepTerminal(string? s) => s == "completed" || s == "skipped" || s == "failed";
        static bool RunTerminal(string? s) => s == "succeeded" || s == "failed" || s == "cancelled" || s == "canceled";
        static bool EventTerminal(string? s) => s == "completed" || s == "failed";

        public static List<MissionFinding> Inspect(MissionCheckInput i)
        {
            var list = new List<MissionFinding>();
            MissionFinding Add(string id, FindingSeverity sev, string evidence, string repair, bool canFix, string? stepId = null, string? eventId = null)
            {
                var f = new MissionFinding
                {
                    FindingId = id, Severity = sev, Slug = i.Slug, MissionId = i.MissionId, RunId = i.RunId, Evidence = evidence,
                    Repair = repair, CanFix = canFix, StepId = stepId, EventId = eventId,
                };
                list.Add(f);
                return f;
            }

            var runStatus = Json.Str(i.Run, "status")?.ToLowerInvariant();
            var steps = (i.Plan?["steps"] as JArray)?.OfType<JObject>().ToList() ?? new List<JObject>();
            var events = i.ServiceEvents;

            // 0. "Succeeded" too early: the run has ended while calls or texts of it are still to come (scheduled on the run
            //    after the service had ended it, by something that did not set it running again first)
            var pending = events.Where(e => !EventTerminal(Json.Str(e, "status"))).ToList();
            var storeActive = i.Entry == null || (Json.Str(i.Entry, StateKeys.Status) ?? "active") == "active";
            if (RunTerminal(runStatus) && pending.Count > 0)
                Add(RunEndedWithEventsPending, FindingSeverity.Error,
                    $"The run is {runStatus} though {pending.Count} of its scheduled event(s) are still to come ({string.Join(", ", pending.Take(5).Select(e => Json.Str(e, "id", "event_id") + " to " + Json.Str(e, "to") + " " + Json.Str(e, "status")))}{(pending.Count > 5 ? ", …" : "")}): the dashboard shows it ended while calls go on.",
                    runStatus == "succeeded" && storeActive ? "Test-ClawdTalkMission -Fix" : "Unregister-ClawdTalkScheduledEvent",
                    canFix: runStatus == "succeeded" && storeActive);

            // 1. "Running" forever: every step is terminal, the run is not.
            if ((runStatus == "running" || runStatus == "pending") && steps.Count > 0 && steps.All(s => StepTerminal(Json.Str(s, "status"))))
                Add(RunStillRunning, FindingSeverity.Error,
                    $"The run is {runStatus} though all {steps.Count} steps are terminal ({string.Join(", ", steps.Select(s => Json.Str(s, "step_id") + "=" + Json.Str(s, "status")))}).",
                    "Complete-ClawdTalkMission", canFix: true);

            // 2. A step still pending while the scheduled events that carry it are done.
            foreach (var s in steps.Where(s => !StepTerminal(Json.Str(s, "status"))))
            {
                var sid = Json.Str(s, "step_id");
                var mine = events.Where(e => sid != null && Json.Str(e, "step_id") == sid).ToList();
                if (mine.Count > 0 && mine.All(e => EventTerminal(Json.Str(e, "status"))) && mine.Any(e => Json.Str(e, "status") == "completed"))
                    Add(StepPendingEventDone, FindingSeverity.Warning,
                        $"The step '{sid}' is {Json.Str(s, "status")} though its {mine.Count} scheduled event(s) are done ({mine.Count(e => Json.Str(e, "status") == "completed")} completed).",
                        "Set-ClawdTalkStep", canFix: true, stepId: sid);
            }

            // 3. Scheduled events missing from memory (only when the run has a slug: memory lives there) or from the timeline.
            if (i.Entry != null)
            {
                var records = StoredEventRecords.Of(i.Entry).Select(r => r.EventId);
                var known = new HashSet<string>(records, StringComparer.Ordinal);
                foreach (var e in events)
                {
                    var id = Json.Str(e, "id", "event_id") ?? "";
                    if (known.Contains(id)) continue;
                    Add(EventNotInMemory, FindingSeverity.Warning,
                        $"The scheduled {Channel(e)} {id} to {Json.Str(e, "to")} is on the service but not in the mission's memory (scheduled_events), so the dashboard does not show it.",
                        "Test-ClawdTalkMission -Fix", canFix: true, stepId: Json.Str(e, "step_id"), eventId: id);
                }
            }
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in i.Timeline)
                if (t["payload"] is JObject p)
                    foreach (var key in new[] { "scheduled_event_id", "event_id" })
                        if (Json.Str(p, key) is string id) referenced.Add(id);
            foreach (var e in events)
            {
                var id = Json.Str(e, "id", "event_id") ?? "";
                if (referenced.Contains(id)) continue;
                var step = Json.Str(e, "step_id");
                Add(EventNotOnTimeline, FindingSeverity.Warning,
                    $"The scheduled {Channel(e)} {id} to {Json.Str(e, "to")}{(step == null ? "" : $" (step '{step}')")} has no event on the run's timeline.",
                    "Write-ClawdTalkEvent", canFix: true, stepId: step, eventId: id);
            }

            // 4. An assistant that scheduled events for this run is not linked to it.
            var linked = new HashSet<string>(i.Agents.Select(a => Json.Str(a, "telnyx_agent_id", "agent_id", "id") ?? ""), StringComparer.Ordinal);
            foreach (var g in events.GroupBy(e => Json.Str(e, "assistant_id") ?? "").Where(g => g.Key.Length > 0 && !linked.Contains(g.Key)))
                Add(AgentNotLinked, FindingSeverity.Warning,
                    $"The assistant {g.Key} has {g.Count()} scheduled event(s) on this run but is not linked to it.",
                    "Add-ClawdTalkLinkedAgent", canFix: true).AssistantId = g.Key;
            var stored = i.Entry == null ? null : Json.Str(i.Entry, StateKeys.AssistantId);
            if (stored != null && !linked.Contains(stored) && !events.Any(e => Json.Str(e, "assistant_id") == stored))
                Add(AgentNotLinked, FindingSeverity.Warning,
                    $"The mission's assistant {stored} (in its state) is not linked to the run.",
                    "Add-ClawdTalkLinkedAgent", canFix: true).AssistantId = stored;

            // 5. A poller left for a terminal mission.
            var storeStatus = i.Entry == null ? null : Json.Str(i.Entry, StateKeys.Status);
            var terminal = (RunTerminal(runStatus) && pending.Count == 0) || (storeStatus != null && storeStatus != "active");
            if (terminal && i.Pollers != null)
                foreach (var p in i.Pollers)
                    Add(PollerLeftBehind, FindingSeverity.Warning,
                        $"A {p.Backend} poller '{p.Name}' still runs for the mission though its run is {runStatus ?? storeStatus}.",
                        "Unregister-ClawdTalkPoller", canFix: true);

            // 6. A failed run with no error on its timeline.
            if (runStatus == "failed" && !i.Timeline.Any(t => Json.Str(t, "type") == "error"))
            {
                var summary = Json.Str(i.Run, "result_summary");
                Add(RunFailedWithoutError, FindingSeverity.Warning,
                    $"The run failed{(summary == null ? "" : $" ({summary})")} but its timeline has no error event.",
                    "Write-ClawdTalkEvent", canFix: true);
            }
            return list;
        }

        /// <summary>A poller of a slug that is no longer in the store: nothing will ever stop it.</summary>
        public static MissionFinding Orphan(PollerEntry p) => new MissionFinding
        {
            FindingId = PollerLeftBehind, Severity = FindingSeverity.Warning, Slug = p.Slug,
            Evidence = $"A {p.Backend} poller '{p.Name}' runs for the slug '{p.Slug}', which is no longer in the mission store.",
            Repair = "Unregister-ClawdTalkPoller", CanFix = true,
        };

        static string Channel(JObject e) => Json.Str(e, "channel") == "sms" ? "text" : "call";

        /// <summary>The service events of a run among an assistant's events (the ones carrying its run id).</summary>
        public static IEnumerable<JObject> OfRun(IEnumerable<JObject> assistantEvents, string assistantId, string runId) =>
            assistantEvents.Where(e => Json.Str(e, "run_id") == runId).Select(e =>
            {
                if (Json.Str(e, "assistant_id") == null) e["assistant_id"] = assistantId;
                return e;
            });

        /// <summary>The assistants whose events may belong to the run: the slug's, the linked ones, and those of the store's records.</summary>
        public static IEnumerable<string> CandidateAssistants(JObject? entry, IEnumerable<JObject> agents)
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            if (entry != null && Json.Str(entry, StateKeys.AssistantId) is string a) set.Add(a);
            foreach (var ag in agents) if (Json.Str(ag, "telnyx_agent_id", "agent_id") is string id) set.Add(id);
            foreach (var r in StoredEventRecords.Of(entry)) if (r.AssistantId != null) set.Add(r.AssistantId);
            return set;
        }
    }
}
