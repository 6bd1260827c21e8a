using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The mission bookkeeping of a cmdlet (event + memory for every change, the run closed when it ends, terminal hooks;
    /// resolving a slug or ids to a run): the mission cmdlets reach it through MissionCmdlet, any other cmdlet holds one
    /// (Invoke-ClawdTalkPoll). It runs its requests on the cmdlet's pump and writes to its streams.
    /// </summary>
    internal sealed class MissionBookkeeping
    {
        readonly ClawdTalkCmdlet _c;
        MissionStateStore? _store;

        public MissionBookkeeping(ClawdTalkCmdlet cmdlet) { _c = cmdlet; }

        public MissionStateStore Store => _store ??= MissionStateStore.Default;

        /// <summary>The slug's entry, which must hold a mission and a run.</summary>
        public MissionTarget FromSlug(string slug, bool needRun = true)
        {
            var e = Store.Require(slug);
            var mid = Json.Str(e, StateKeys.MissionId);
            var rid = Json.Str(e, StateKeys.RunId);
            if (mid == null || (needRun && rid == null))
                throw new ClawdTalkException(ErrorIds.MissionNotInitialized, ErrorCategory.InvalidOperation,
                    $"The mission '{slug}' has no {(mid == null ? "mission id" : "run id")} yet: run Initialize-ClawdTalkMission for it first.", slug);
            return new MissionTarget { Slug = slug, MissionId = mid, RunId = rid ?? "" };
        }

        /// <summary>A run given by ids; its slug is looked up in the store (a bad state file does not stop an id-based call).</summary>
        public MissionTarget FromIds(string missionId, string runId) =>
            new MissionTarget { MissionId = missionId, RunId = runId, Slug = TrySlugOf(missionId, runId) };

        public MissionTarget Resolve(string? slug, string? missionId, string? runId) =>
            slug != null ? FromSlug(slug) : FromIds(missionId!, runId!);

        public string? TrySlugOf(string missionId, string? runId)
        {
            try { return Store.SlugOf(missionId, runId); }
            catch (ClawdTalkException ex)
            {
                // said before anything is sent: the work goes ahead by its ids, but the store cannot keep its bookkeeping
                _c.WriteWarning($"The mission state store cannot be used ({ex.ErrorId}: {ex.Message}). This command goes on by -MissionId and -RunId, " +
                    "but records nothing in the store (no memory, no event records for Wait-ClawdTalkEvent or a poller). Fix or move the file first if you need them.");
                return null;
            }
        }

        /// <summary>
        /// The scheduled events the service lists for a run: those carrying its run id among the events of the slug's
        /// assistant, the linked assistants and the assistants of the store's records (each with assistant_id set).
        /// </summary>
        public List<JObject> ScheduledEventsOfRun(MissionTarget t, JObject? entry, IReadOnlyList<JObject> agents)
        {
            var events = _c.ScheduledEvents;
            var found = new List<JObject>();
            foreach (var aid in MissionCheck.CandidateAssistants(entry, agents))
            {
                try { found.AddRange(MissionCheck.OfRun(_c.Run(ct => events.ListAsync(aid, ct)), aid, t.RunId)); }
                catch (ClawdTalkException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound) { _c.WriteVerbose($"The assistant {aid} no longer exists: its events were not read."); }
            }
            return found.GroupBy(e => Json.Str(e, "id", "event_id") ?? "").Select(g => g.First()).ToList();
        }


        // ---- bookkeeping ----

        /// <summary>Logs a run event (the dashboard's timeline).</summary>
        /// <remarks>
        /// Through the one run-event log: the module's own events carry a client key (never logged twice, even when an
        /// answer is lost); a user's event (<paramref name="keyed"/> false, Write-ClawdTalkEvent) keeps its payload as given.
        /// </remarks>
        public MissionEvent LogEvent(MissionTarget t, MissionEventType type, string summary, string? stepId = null, JToken? payload = null, string? agentId = null,
            bool keyed = true)
        {
            var body = new JObject { ["type"] = Wire.Event(type), ["summary"] = summary, ["agent_id"] = agentId ?? MissionEntries.DefaultAgentId };
            if (stepId != null) body["step_id"] = stepId;
            if (payload != null) body["payload"] = payload.DeepClone();
            var key = keyed ? "log:" + Guid.NewGuid().ToString("N") : null;
            var o = _c.Run(ct => RunEventLog.LogAsync(_c.Api, t.MissionId, t.RunId, body, key, _c.LogVerbose, ct));
            var ev = MissionEvent.From(o, t.MissionId, t.RunId, t.Slug);
            if (ev.Summary == null) { ev.Summary = summary; ev.Type = type; ev.StepId = stepId; }
            _c.WriteVerbose($"Logged a {Wire.Event(type)} event on run {t.RunId}: {summary}");
            return ev;
        }

        /// <summary>Changes the slug's entry (nothing when the run has no slug).</summary>
        public JObject? Remember(MissionTarget t, Action<JObject> change) => t.Slug == null ? null : Store.UpdateExisting(t.Slug, change);




        public static string StateStatus(RunStatus s) => s == RunStatus.Succeeded ? "succeeded" : s == RunStatus.Failed ? "failed" : s == RunStatus.Cancelled ? "cancelled" : "active";

        /// <summary>
        /// Ends a run: open steps skipped (or failed), the run's terminal status with summary and payload, the store's
        /// history, every terminal hook (pollers), then the closing event and memory that say what was done.
        /// </summary>
        public void EndRun(MissionTarget t, RunStatus status, string summary, JToken? payload, MissionEventType eventType, string memoryKey,
            bool closeOpenSteps = true, bool serverAlreadyEnded = false)
        {
            var closed = new List<string>();
            if (closeOpenSteps && !serverAlreadyEnded)
            {
                var planJson = _c.Run(ct => _c.Missions.TryGetPlanAsync(t.MissionId, t.RunId, ct));
                if (planJson != null)
                    foreach (var step in MissionPlan.From(planJson, t.MissionId, t.RunId, t.Slug).Steps.Where(s => !s.IsTerminal))
                    {
                        var to = status == RunStatus.Failed && step.Status == StepStatus.InProgress ? StepStatus.Failed : StepStatus.Skipped;
                        _c.Run(ct => _c.Missions.UpdateStepAsync(t.MissionId, t.RunId, step.StepId, Wire.Step(to), ct));
                        closed.Add($"{step.StepId}={Wire.Step(to)}");
                        Remember(t, e => MissionEntries.SetStepStatus(e, step.StepId, Wire.Step(to)));
                    }
            }
            var result = new JObject { ["status"] = Wire.Run(status), ["result_summary"] = summary };
            if (payload != null) result["result_payload"] = payload;
            if (!serverAlreadyEnded) _c.Run(ct => _c.Missions.UpdateRunAsync(t.MissionId, t.RunId, result, ct));
            Remember(t, e =>
            {
                e[StateKeys.Status] = StateStatus(status);
                e[StateKeys.RunStatus] = Wire.Run(status);
                e[StateKeys.CompletedAt] = MissionStateStore.Now();
                e[StateKeys.ResultSummary] = summary;
            });
            _c.WriteVerbose($"Run {t.RunId} is {Wire.Run(status)}: {summary}");

            var context = new MissionTerminalContext(t.Slug, t.MissionId, t.RunId, status, summary)
            {
                Api = _c.Api, Session = _c.Session, CancelToken = _c.CancelToken, StatePath = Store.Path, Verbose = _c.WriteVerbose,
            };
            foreach (var warning in MissionLifecycle.RaiseTerminal(context)) _c.WriteWarning(warning);

            var record = new JObject { ["status"] = Wire.Run(status), ["summary"] = summary };
            if (payload != null) record["result_payload"] = payload;
            if (closed.Count > 0) record["closed_steps"] = new JArray(closed);
            if (context.Cleaned.Count > 0) record["cleaned_up"] = new JArray(context.Cleaned);
            if (serverAlreadyEnded) record["ended_by"] = "service";
            var text = (status == RunStatus.Succeeded ? "Mission succeeded: " : status == RunStatus.Failed ? "Mission failed: " : "Mission cancelled: ") + summary;
            LogEvent(t, eventType, text, payload: record);
            Remember(t, e => MissionStateStore.MemoryOf(e)[memoryKey] = MissionEntries.Stamp(record));
        }

        /// <summary>
        /// After a step reached a terminal status: when the service has already ended the run (its scheduled calls
        /// finished), the store follows and the hooks run; otherwise, when every step of the plan is terminal, the run
        /// ends (succeeded, or failed when a step failed).
        /// </summary>
        public void CloseWhenDone(MissionTarget t)
        {
            var run = MissionRun.From(_c.Run(ct => _c.Missions.GetRunAsync(t.MissionId, t.RunId, ct)), t.MissionId);
            var plan = MissionPlan.From(_c.Run(ct => _c.Missions.GetPlanAsync(t.MissionId, t.RunId, ct)), t.MissionId, t.RunId, t.Slug);
            var steps = new JArray(plan.Steps.Select(s => new JObject { ["step_id"] = s.StepId, ["status"] = Wire.Step(s.Status) }));
            if (Wire.IsTerminal(run.Status))
            {
                FollowServiceEnd(t, run, new JObject { ["steps"] = steps });
                return;
            }
            if (!plan.IsTerminal) return;
            var failed = plan.Steps.Where(s => s.Status == StepStatus.Failed).Select(s => s.StepId).ToList();
            if (failed.Count > 0)
                EndRun(t, RunStatus.Failed, $"{failed.Count} of {plan.Steps.Length} steps failed ({string.Join(", ", failed)}).",
                    new JObject { ["failed_steps"] = new JArray(failed), ["steps"] = steps }, MissionEventType.Error, "failure", closeOpenSteps: false);
            else
                EndRun(t, RunStatus.Succeeded, $"All {plan.Steps.Length} steps are done.", new JObject { ["steps"] = steps },
                    MissionEventType.Custom, "completion", closeOpenSteps: false);
        }

        /// <summary>The service ended the run by itself: when the store still has it active, it follows, and the terminal hooks run.</summary>
        public void FollowServiceEnd(MissionTarget t, MissionRun run, JObject? payload)
        {
            var entry = t.Slug == null ? null : Store.Find(t.Slug);
            if (entry != null && (Json.Str(entry, StateKeys.Status) ?? "active") != "active") return;
            EndRun(t, run.Status, run.ResultSummary ?? $"The service ended the run as {Wire.Run(run.Status)}.", payload,
                run.Status == RunStatus.Failed ? MissionEventType.Error : MissionEventType.Custom,
                run.Status == RunStatus.Succeeded ? "completion" : run.Status == RunStatus.Failed ? "failure" : "cancellation",
                closeOpenSteps: false, serverAlreadyEnded: true);
        }

        /// <summary>
        /// Creates something once across crashes and reruns: a marker (token, time) is stored before the request; a
        /// rerun that finds the marker first looks for what the interrupted attempt may have created (<paramref name="find"/>),
        /// and so does an attempt whose answer was lost. Returns the id.
        /// </summary>
        public string CreateOnce(string slug, string kind, Func<JObject, string?> find, Func<JObject, string> create, Action<JObject, string> record)
        {
            var entry = Store.Require(slug);
            if ((entry[StateKeys.Pending] as JObject)?[kind] is JObject previous)
            {
                var found = find(previous);
                if (found != null)
                {
                    _c.WriteVerbose($"Found the {kind} an interrupted attempt created: {found}.");
                    Store.UpdateExisting(slug, e => { record(e, found); ClearMarker(e, kind); });
                    return found;
                }
            }
            var marker = new JObject { ["token"] = Guid.NewGuid().ToString("N"), ["started_at"] = MissionStateStore.Now() };
            Store.UpdateExisting(slug, e =>
            {
                if (!(e[StateKeys.Pending] is JObject p)) e[StateKeys.Pending] = p = new JObject();
                p[kind] = marker;
            });
            // the one create-once rule; a lost answer that the look-up cannot settle rethrows, and the marker stays: the
            // next attempt looks again before creating
            var id = ClawdTalk.Api.CreateOnce.Send(() => create(marker), _ =>
            {
                string? found = null;
                try { found = find(marker); }
                catch (ClawdTalkException ex) { _c.WriteVerbose($"Could not check whether the {kind} was created: {ex.Message}"); }
                return found == null ? LostAnswer<string>.Unknown : LostAnswer<string>.Found(found);
            }, maxSends: 1);
            Store.UpdateExisting(slug, e => { record(e, id); ClearMarker(e, kind); });
            return id;
        }

        static void ClearMarker(JObject e, string kind)
        {
            if (!(e[StateKeys.Pending] is JObject p)) return;
            p.Remove(kind);
            if (p.Count == 0) e.Remove(StateKeys.Pending);
        }

    }
}
