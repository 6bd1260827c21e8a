namespace ClawdTalk.Sandbox.Dashboard;

/// <summary>
/// What the dashboard page shows, built from the sandbox's own state (under the core lock): missions and their runs,
/// each run's plan, timeline, linked agents, scheduled calls and texts (with attempts, outcomes and insights), the
/// findings the service side can see, and the direct calls. Read only: nothing here changes the state (insights are
/// described without counting as a read of the insights endpoint).
/// </summary>
internal static class DashboardModel
{
    /// <summary>
    /// A scheduled event younger than this (real time: the client's own pace) is not yet expected on the timeline (the client
    /// logs it right after scheduling); on the sandbox's clock it is this times the time scale.
    /// </summary>
    public static readonly TimeSpan TimelineGrace = TimeSpan.FromSeconds(2);

    public static JsonObject Build(SandboxCore core, DateTimeOffset now)
    {
        SandboxState s = core.State;
        string changedAt = "";
        void Seen(string? t)
        {
            if (t is not null && string.CompareOrdinal(t, changedAt) > 0) changedAt = t;
        }

        var eventsByRun = new Dictionary<string, List<ScheduledEvent>>(StringComparer.Ordinal);
        foreach (ScheduledEvent ev in s.Events.Values)
        {
            Seen(ev.UpdatedAt);
            if (ev.RunId is null) continue;
            if (!eventsByRun.TryGetValue(ev.RunId, out List<ScheduledEvent>? list)) eventsByRun[ev.RunId] = list = new List<ScheduledEvent>();
            list.Add(ev);
        }
        var conversationByEvent = s.Conversations.Values.ToDictionary(c => c.EventId, StringComparer.Ordinal);

        var missions = new JsonArray();
        int findingCount = 0;
        foreach (Mission m in Enumerable.Reverse(s.MissionOrder))
        {
            Seen(m.UpdatedAt);
            var runs = new JsonArray();
            foreach (Run r in Enumerable.Reverse(m.Runs))
            {
                Seen(r.UpdatedAt);
                List<ScheduledEvent> scheduled = eventsByRun.TryGetValue(r.Id, out List<ScheduledEvent>? l)
                    ? l.OrderBy(e => e.CreatedAt, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).ToList()
                    : new List<ScheduledEvent>();
                foreach (PlanStep st in r.Plan ?? new List<PlanStep>()) Seen(st.UpdatedAt);
                foreach (RunEvent e in r.Events) Seen(e.CreatedAt);
                JsonArray findings = Findings(r, scheduled, now, core.Options.TimeScale);
                findingCount += findings.Count;
                runs.Add(RunJson(r, scheduled, conversationByEvent, findings, s));
            }
            missions.Add(new JsonObject
            {
                ["id"] = m.Id, ["name"] = m.Name, ["created_at"] = m.CreatedAt, ["runs"] = runs,
            });
        }

        var calls = new JsonArray();
        foreach (Call c in s.Calls.Values.OrderBy(c => c.CreatedAt, StringComparer.Ordinal))
        {
            Seen(c.EndedAt ?? c.AnsweredAt ?? c.CreatedAt);
            calls.Add(new JsonObject
            {
                ["call_id"] = c.Id, ["direction"] = c.Direction, ["to"] = c.To, ["status"] = c.Status, ["outcome"] = c.Outcome,
                ["purpose"] = c.Purpose, ["duration_seconds"] = c.DurationSeconds, ["created_at"] = c.CreatedAt,
                // a call that never connected has no talk time (the page shows a dash, not "0 s")
                ["connected"] = c.AnsweredAt is not null,
            });
        }

        return new JsonObject
        {
            ["generated_at"] = Formats.Iso(now),
            ["changed_at"] = changedAt.Length > 0 ? changedAt : null,
            // the same instant on the real clock (the sandbox's runs TimeScale times faster): what a browser measures lag against
            ["changed_at_real"] = Formats.TryParseIso(changedAt, out DateTimeOffset changed) ? Formats.Iso(core.Clock.RealAt(changed)) : null,
            ["time_scale"] = core.Options.TimeScale,
            ["finding_count"] = findingCount,
            ["missions"] = missions,
            ["calls"] = calls,
            ["messages"] = s.Messages.Count,
        };
    }

    private static JsonObject RunJson(Run r, List<ScheduledEvent> scheduled, Dictionary<string, Conversation> conversations, JsonArray findings, SandboxState s)
    {
        var steps = new JsonArray();
        foreach (PlanStep st in (r.Plan ?? new List<PlanStep>()).OrderBy(p => p.Sequence))
            steps.Add(new JsonObject
            {
                ["step_id"] = st.StepId, ["description"] = st.Description, ["sequence"] = st.Sequence, ["status"] = st.Status,
                ["updated_at"] = st.UpdatedAt,
            });

        var timeline = new JsonArray();
        foreach (RunEvent e in r.Events)
            timeline.Add(new JsonObject
            {
                ["id"] = e.Id, ["type"] = e.Type, ["summary"] = e.Summary, ["step_id"] = e.StepId, ["agent_id"] = e.AgentId,
                ["created_at"] = e.CreatedAt,
            });

        var agents = new JsonArray();
        foreach (LinkedAgent a in r.Agents)
        {
            s.Assistants.TryGetValue(a.TelnyxAgentId, out Assistant? asst);
            agents.Add(new JsonObject { ["telnyx_agent_id"] = a.TelnyxAgentId, ["name"] = asst?.Name, ["created_at"] = a.CreatedAt });
        }

        // attempts: the n-th event of the run to the same number (and channel) is attempt n
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var rows = new JsonArray();
        foreach (ScheduledEvent ev in scheduled)
        {
            string key = ev.Channel + "|" + ev.To;
            seen.TryGetValue(key, out int n);
            seen[key] = ++n;
            var row = new JsonObject
            {
                ["id"] = ev.Id, ["assistant_id"] = ev.AssistantId, ["channel"] = ev.Channel, ["to"] = ev.To, ["step_id"] = ev.StepId,
                ["status"] = ev.Status, ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome, ["attempt"] = n,
                ["scheduled_at"] = ev.ScheduledAt, ["started_at"] = ev.StartedAt, ["ended_at"] = ev.EndedAt,
                ["duration_seconds"] = ev.DurationSeconds, ["conversation_id"] = ev.ConversationId,
                ["connected"] = ev.IsCall && (ev.CallStatus == "in-progress" || ev.Outcome is "answered" or "voicemail"),
            };
            if (conversations.TryGetValue(ev.Id, out Conversation? conv))
            {
                bool ready = conv.Reads > s.InsightPendingReads - 1; // the next read of the endpoint would be completed
                row["insight"] = new JsonObject
                {
                    ["status"] = ready ? "completed" : "in_progress",
                    ["summary"] = ready ? Simulator.InsightSummary(conv) : null,
                    ["score"] = Simulator.Score(conv.To),
                };
            }
            rows.Add(row);
        }
        // the outcome breakdown counts each target once, by its latest attempt
        foreach (ScheduledEvent ev in scheduled.GroupBy(e => e.Channel + "|" + e.To).Select(g => g.Last()))
        {
            string o = ev.IsTerminal ? ev.Outcome ?? ev.Status : ev.Status == "pending" ? "scheduled" : "in progress";
            outcomes.TryGetValue(o, out int c);
            outcomes[o] = c + 1;
        }
        var breakdown = new JsonObject();
        foreach (KeyValuePair<string, int> kv in outcomes) breakdown[kv.Key] = kv.Value;
        // the module's words for the same targets: reached (answered, a text sent), not reached (voicemail, no answer, busy,
        // failed), cancelled, open
        var reach = new JsonObject { ["reached"] = 0, ["not_reached"] = 0, ["cancelled"] = 0, ["open"] = 0 };
        foreach (ScheduledEvent ev in scheduled.GroupBy(e => e.Channel + "|" + e.To).Select(g => g.Last()))
        {
            string group = Reach(ev);
            reach[group] = reach[group]!.GetValue<int>() + 1;
        }

        return new JsonObject
        {
            ["run_id"] = r.Id, ["status"] = r.Status, ["result_summary"] = r.ResultSummary, ["created_at"] = r.CreatedAt,
            ["updated_at"] = r.UpdatedAt, ["steps"] = steps, ["events"] = timeline, ["agents"] = agents, ["scheduled"] = rows,
            ["outcomes"] = breakdown, ["reach"] = reach, ["findings"] = findings,
        };
    }

    /// <summary>How a target ended, in the module's grouping: voicemail is not reached (nobody was spoken to).</summary>
    public static string Reach(ScheduledEvent ev)
    {
        if (!ev.IsTerminal) return "open";
        if (ev.Outcome is "canceled" || ev.CallStatus is "canceled") return "cancelled";
        if (ev.Status == "failed") return "not_reached";
        return ev.IsCall ? (ev.Outcome is null or "answered" ? "reached" : "not_reached") : "reached";
    }

    /// <summary>
    /// What looks wrong on the service's dashboard, as far as the service's own state shows it. The module's
    /// Test-ClawdTalkMission checks the same and, in addition, the local slug store (memory records, pollers).
    /// </summary>
    public static JsonArray Findings(Run r, List<ScheduledEvent> scheduled, DateTimeOffset now, double timeScale = 1)
    {
        var list = new JsonArray();
        void Add(string id, string severity, string evidence, string? stepId = null, string? eventId = null) =>
            list.Add(new JsonObject { ["id"] = id, ["severity"] = severity, ["evidence"] = evidence, ["step_id"] = stepId, ["event_id"] = eventId });

        List<PlanStep> plan = r.Plan ?? new List<PlanStep>();
        List<ScheduledEvent> open = scheduled.Where(e => !e.IsTerminal).ToList();
        if (r.IsTerminal && open.Count > 0)
            Add("RunEndedWithEventsPending", "Error",
                $"The run is {r.Status} though {open.Count} of its scheduled event(s) are still to come ({string.Join(", ", open.Take(5).Select(e => $"{e.Id} to {e.To} {e.Status}"))}{(open.Count > 5 ? ", …" : "")}).");
        if (r.Status is "running" or "pending" && plan.Count > 0 && plan.All(IsTerminal))
            Add("RunStillRunning", "Error",
                $"The run is {r.Status} though all {plan.Count} steps are terminal ({string.Join(", ", plan.Select(p => p.StepId + "=" + p.Status))}).");

        foreach (PlanStep st in plan.Where(p => !IsTerminal(p)))
        {
            List<ScheduledEvent> mine = scheduled.Where(e => e.StepId == st.StepId).ToList();
            if (mine.Count > 0 && mine.All(e => e.IsTerminal) && mine.Any(e => e.Status == "completed"))
                Add("StepPendingEventDone", "Warning",
                    $"The step '{st.StepId}' is {st.Status} though its {mine.Count} scheduled event(s) are done ({mine.Count(e => e.Status == "completed")} completed).", st.StepId);
        }

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (RunEvent e in r.Events)
            if (e.Payload is JsonObject p)
                foreach (string key in new[] { "scheduled_event_id", "event_id" })
                    if (Api.Str(p, key) is string id) referenced.Add(id);
        foreach (ScheduledEvent ev in scheduled)
        {
            if (referenced.Contains(ev.Id)) continue;
            if (Formats.TryParseIso(ev.CreatedAt, out DateTimeOffset created) && now - created < TimelineGrace * timeScale) continue;
            Add("EventNotOnTimeline", "Warning",
                $"The scheduled {(ev.IsCall ? "call" : "text")} {ev.Id} to {ev.To}{(ev.StepId is null ? "" : $" (step '{ev.StepId}')")} has no event on the run's timeline.", ev.StepId, ev.Id);
        }

        if (r.Status == "failed" && !r.Events.Any(e => e.Type == "error"))
            Add("RunFailedWithoutError", "Warning",
                $"The run failed{(r.ResultSummary is null ? "" : $" ({r.ResultSummary})")} but its timeline has no error event.");

        var linked = new HashSet<string>(r.Agents.Select(a => a.TelnyxAgentId), StringComparer.Ordinal);
        foreach (IGrouping<string, ScheduledEvent> g in scheduled.GroupBy(e => e.AssistantId).Where(g => !linked.Contains(g.Key)))
            Add("AgentNotLinked", "Warning",
                $"The assistant {g.Key} has {g.Count()} scheduled event(s) on this run but is not linked to it.");
        return list;
    }

    private static bool IsTerminal(PlanStep p) => p.Status is "completed" or "skipped" or "failed";
}
