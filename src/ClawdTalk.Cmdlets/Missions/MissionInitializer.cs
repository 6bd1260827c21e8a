using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>What Initialize-ClawdTalkMission was asked for, checked (name and slug, steps, context).</summary>
    internal sealed class MissionInitRequest
    {
        public string Name = "";
        public string Slug = "";
        public string Instructions = "";
        public string Request = "";
        public List<StepSpec> Steps = new List<StepSpec>();
        public JToken? Context;
    }

    /// <summary>
    /// The published `init` as a state machine over the slug store: (1) the stored run, if still open; (1b) a warning
    /// when the instructions changed; (2) the mission; (3) a new run; (4) the plan; (5) running; (6) the record (one
    /// event and memory, exactly once per run). Every request's result is stored before the next one, so a rerun after
    /// a crash anywhere continues instead of creating a second mission or run. No cmdlet: the bookkeeping comes in
    /// through <see cref="IMissionBookkeeper"/>.
    /// </summary>
    internal sealed class MissionInitializer
    {
        /// <summary>The instructions the mission was created with (kept beside the published keys).</summary>
        internal const string InstructionsKey = "instructions";

        readonly MissionStateStore _store;
        readonly IMissionBookkeeper _b;

        public MissionInitializer(MissionStateStore store, IMissionBookkeeper bookkeeper)
        {
            _store = store;
            _b = bookkeeper;
        }

        MissionsApi Missions => _b.Missions;

        /// <summary>The collision check, before anything is written or sent: the slug must not belong to another name.</summary>
        public static ClawdTalkException? Collision(MissionStateStore store, string slug, string name)
        {
            var existing = store.Find(slug);
            var storedName = existing == null ? null : Json.Str(existing, StateKeys.MissionName);
            return storedName != null && !string.Equals(storedName.Trim(), name, StringComparison.OrdinalIgnoreCase)
                ? MissionEntries.Collision(slug, storedName, name) : null;
        }

        /// <summary>Runs the six phases for the request; returns the slug's entry afterwards.</summary>
        public JObject Initialize(MissionInitRequest q)
        {
            var slug = q.Slug;
            var name = q.Name;
            _store.Update(slug, e =>
            {
                if (e != null) return e;
                return new JObject
                {
                    [StateKeys.MissionName] = name, [StateKeys.MissionId] = null, [StateKeys.RunId] = null,
                    [StateKeys.CreatedAt] = MissionStateStore.Now(), [StateKeys.AssistantId] = null, [StateKeys.AgentPhone] = null,
                    [StateKeys.PhoneNumberId] = null, [StateKeys.Memory] = new JObject(), [StateKeys.Status] = "active",
                };
            });

            var did = new List<string>();
            var entry = _store.Require(slug);
            var mid = Json.Str(entry, StateKeys.MissionId);
            var rid = Json.Str(entry, StateKeys.RunId);
            var runStatus = RunStatus.Pending;

            // 1. the run we have, if it is still open on the service
            if (mid != null && rid != null)
            {
                JObject? run = null;
                try { run = _b.Call(ct => Missions.GetRunAsync(mid, rid, ct)); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.RunNotFound) { _b.Verbose($"Run {rid} no longer exists on the service."); }
                runStatus = run == null ? RunStatus.Unknown : Wire.Run(Json.Str(run, "status"));
                if (run == null || Wire.IsTerminal(runStatus))
                {
                    // an end this module did not see yet (the service ended it, or it vanished): the hooks still run
                    var stored = new MissionTarget { Slug = slug, MissionId = mid, RunId = rid };
                    if (run != null) _b.FollowServiceEnd(stored, MissionRun.From(run, mid), null);
                    else if ((Json.Str(_store.Require(slug), StateKeys.Status) ?? "active") == "active")
                        _b.RunGone(stored, "The run no longer exists on the service.");
                    Archive(slug, mid, rid, run);
                    did.Add(run == null ? $"run {rid} was gone: started a new run" : $"run {rid} had ended ({Wire.Run(runStatus)}): started a new run");
                    rid = null;
                }
                else if (Json.Str(_store.Require(slug), StateKeys.RunStatus) != Wire.Run(runStatus))
                {
                    var seen = Wire.Run(runStatus);
                    _store.UpdateExisting(slug, e => e[StateKeys.RunStatus] = seen);
                }
            }

            // 1b. the service has no way to change a mission's instructions: new ones are not silently dropped
            if (mid != null) WarnIfInstructionsDiffer(q, mid);

            // 2. the mission
            var createdMission = false;
            if (mid == null)
            {
                mid = CreateMission(q);
                createdMission = true;
                did.Add("created the mission");
            }

            // 3. a new run
            var newRun = false;
            if (rid == null)
            {
                try { rid = CreateRun(q, mid); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.MissionNotFound && !createdMission)
                {
                    // the stored mission was deleted on the service: start over with a new one
                    _b.Verbose($"Mission {mid} no longer exists on the service; creating it again.");
                    _store.UpdateExisting(slug, e => e[StateKeys.MissionId] = null);
                    mid = CreateMission(q);
                    did.Add("created the mission again");
                    rid = CreateRun(q, mid);
                }
                runStatus = RunStatus.Pending;
                newRun = true;
                did.Add("created a run");
            }
            var target = new MissionTarget { Slug = slug, MissionId = mid, RunId = rid };

            // 4. the plan
            Plan(q, mid, rid, newRun, did);

            // 5. running
            if (runStatus != RunStatus.Running)
            {
                _b.Call(ct => Missions.UpdateRunAsync(mid, rid, new JObject { ["status"] = "running" }, ct));
                _store.UpdateExisting(slug, e => e[StateKeys.RunStatus] = "running");
                if (!newRun) did.Add("set the run running");
            }

            // 6. the record
            Record(q, target, did);
            return _store.Require(slug);
        }

        void Plan(MissionInitRequest q, string mid, string rid, bool newRun, List<string> did)
        {
            var slug = q.Slug;
            var steps = q.Steps;
            var planJson = newRun ? null : _b.Call(ct => Missions.TryGetPlanAsync(mid, rid, ct));
            if (planJson != null && steps.Count > 0)
            {
                var have = MissionPlan.From(planJson, mid, rid, slug).Steps.Select(s => s.StepId).ToArray();
                var want = steps.Select(s => s.StepId).ToArray();
                if (have.Length > 0 && !have.SequenceEqual(want))
                    throw new ClawdTalkException(ErrorIds.MissionPlanMismatch, ErrorCategory.InvalidArgument,
                        $"Run {rid} of '{slug}' already has the plan ({string.Join(", ", have)}); -Step gives ({string.Join(", ", want)}). Resume with the same steps, or end the run with Stop-ClawdTalkMission first.", slug);
                if (have.Length == 0) planJson = null;
            }
            if (planJson == null && steps.Count > 0)
            {
                planJson = _b.Call(ct => Missions.CreatePlanAsync(mid, rid, new JArray(steps.Select(s => s.ToJson())), ct));
                did.Add($"created the plan ({steps.Count} steps)");
                if (Json.UnwrapList(planJson, "steps").Count == 0) planJson = _b.Call(ct => Missions.GetPlanAsync(mid, rid, ct));
            }
            if (planJson != null)
            {
                var plan = MissionPlan.From(planJson, mid, rid, slug);
                _store.UpdateExisting(slug, e => e[StateKeys.Steps] = MissionEntries.StepsJson(plan.Steps));
            }
        }

        /// <summary>One event and memory, exactly once per run; a resume that did something logs what it did.</summary>
        void Record(MissionInitRequest q, MissionTarget target, List<string> did)
        {
            var slug = q.Slug;
            var name = q.Name;
            var mid = target.MissionId;
            var rid = target.RunId;
            var entry = _store.Require(slug);
            var stepIds = new JArray(MissionStateStore.StepsOf(entry).Select(s => Json.Str(s, "step_id")));
            if (entry[StateKeys.InitLogged]?.Type != JTokenType.Boolean || !(bool)entry[StateKeys.InitLogged]!)
            {
                _b.CreateOnce(slug, "init_event",
                    find: m => _b.Call(ct => Missions.ListEventsAsync(mid, rid, ct)).Where(ev => Json.Str(ev["payload"] as JObject, "init_token") == Json.Str(m, "token"))
                        .Select(ev => Json.Str(ev, "id") ?? "logged").FirstOrDefault(),
                    create: m => _b.LogEvent(target, MissionEventType.Custom, $"Mission '{name}' initialized: run {rid} running with {stepIds.Count} step(s).",
                        payload: new JObject { ["slug"] = slug, ["steps"] = stepIds.DeepClone(), ["did"] = new JArray(did), ["init_token"] = Json.Str(m, "token") }).EventId ?? "logged",
                    record: (e, _) =>
                    {
                        e[StateKeys.InitLogged] = true;
                        MissionStateStore.MemoryOf(e)["initialized"] = MissionEntries.Stamp(new JObject { ["run_id"] = rid, ["steps"] = stepIds.DeepClone(), ["did"] = new JArray(did) });
                    });
            }
            else if (did.Count > 0)
            {
                _b.LogEvent(target, MissionEventType.Custom, $"Mission '{name}' resumed: {string.Join("; ", did)}.", payload: new JObject { ["slug"] = slug, ["did"] = new JArray(did) });
                _store.UpdateExisting(slug, e => MissionStateStore.Append(MissionStateStore.MemoryOf(e), "resumed", MissionEntries.Stamp(new JObject { ["run_id"] = rid, ["did"] = new JArray(did) })));
            }
            else _b.Verbose($"Mission '{slug}' is already initialized and running (run {rid}); nothing to do.");
        }

        string CreateMission(MissionInitRequest q) =>
            _b.CreateOnce(q.Slug, "mission",
                // a mission of this exact name (so of this slug) created since the marker
                find: m => _b.Call(ct => Missions.ListMissionsAsync(100, ct))
                    .Where(o => Json.Str(o, "name") == q.Name && MissionEntries.CreatedSince(o, m))
                    .Select(o => Json.Str(o, "id", "mission_id")).FirstOrDefault(id => id != null),
                create: m => Json.Str(_b.Call(ct => Missions.CreateMissionAsync(q.Name, q.Instructions, ct)), "id", "mission_id")
                    ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service created the mission but sent no id."),
                record: (e, id) => { e[StateKeys.MissionId] = id; e[InstructionsKey] = q.Instructions; });

        void WarnIfInstructionsDiffer(MissionInitRequest q, string mid)
        {
            var stored = Json.Str(_store.Require(q.Slug), InstructionsKey);
            if (stored == null)
            {
                try { stored = Mission.From(_b.Call(ct => Missions.GetMissionAsync(mid, ct))).Instructions; }
                catch (ClawdTalkException ex) { _b.Verbose($"Could not read the instructions of mission {mid}: {ex.Message}"); return; }
                if (stored == null) return;
                var seen = stored;
                _store.UpdateExisting(q.Slug, e => e[InstructionsKey] = seen);
            }
            if (string.Equals(stored.Trim(), q.Instructions.Trim(), StringComparison.Ordinal)) return;
            _b.Warning($"The mission '{q.Name}' ({mid}) already exists with other instructions, and the service cannot change them: it keeps \"{Shorten(stored)}\". " +
                $"To use the new instructions, start a new mission under another name (Initialize-ClawdTalkMission -Name '{q.Name} 2' …), or end this one and remove its state (Stop-ClawdTalkMission, Remove-ClawdTalkMissionState -Slug {q.Slug}).");
        }

        static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";

        string CreateRun(MissionInitRequest q, string mid) =>
            _b.CreateOnce(q.Slug, "run",
                find: m => _b.Call(ct => Missions.ListRunsAsync(mid, ct))
                    .Where(o => Json.Str(o["input"] as JObject, "client_request_id") == Json.Str(m, "token"))
                    .Select(o => Json.Str(o, "run_id", "id")).FirstOrDefault(),
                create: m =>
                {
                    var input = new JObject { ["original_request"] = q.Request };
                    if (q.Context != null) input["context"] = q.Context;
                    input["client_request_id"] = Json.Str(m, "token");
                    return Json.Str(_b.Call(ct => Missions.CreateRunAsync(mid, input, ct)), "run_id", "id")
                        ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service created the run but sent no id.");
                },
                record: (e, id) =>
                {
                    e[StateKeys.RunId] = id;
                    e[StateKeys.RunStatus] = "pending";
                    e[StateKeys.Status] = "active";
                });

        /// <summary>The stored run has ended (or is gone): it becomes history, and the slug is ready for a new run.</summary>
        void Archive(string slug, string mid, string rid, JObject? run)
        {
            _store.UpdateExisting(slug, e =>
            {
                if (!(e[StateKeys.PreviousRuns] is JArray history)) e[StateKeys.PreviousRuns] = history = new JArray();
                history.Add(new JObject
                {
                    ["mission_id"] = mid, ["run_id"] = rid,
                    ["status"] = run == null ? "missing" : Json.Str(run, "status"),
                    ["result_summary"] = run == null ? Json.Str(e, StateKeys.ResultSummary) : Json.Str(run, "result_summary") ?? Json.Str(e, StateKeys.ResultSummary),
                    ["completed_at"] = Json.Str(e, StateKeys.CompletedAt) ?? MissionStateStore.Now(),
                });
                e[StateKeys.RunId] = null;
                foreach (var k in new[] { StateKeys.RunStatus, StateKeys.Steps, StateKeys.CompletedAt, StateKeys.ResultSummary, StateKeys.InitLogged, StateKeys.Completion })
                    e.Remove(k);
                e[StateKeys.Status] = "active";
            });
        }
    }
}
