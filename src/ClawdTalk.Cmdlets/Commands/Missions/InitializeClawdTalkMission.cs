using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Lifecycle;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The published `init`: mission, run, plan, running, in the slug store. Every request's result is stored before
    /// the next one, so a rerun after a crash anywhere continues instead of creating a second mission or run.
    /// </summary>
    [Cmdlet(VerbsData.Initialize, "ClawdTalkMission", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class InitializeClawdTalkMissionCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [Alias("MissionName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Instructions { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("OriginalRequest")]
        public string Request { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Steps")]
        public object[]? Step { get; set; }

        [Parameter]
        public object? Context { get; set; }

        protected override void Process()
        {
            // Everything is checked before the first request.
            var (name, slug) = UserInput.MissionName(Name);
            var steps = UserInput.Steps(Step);
            var context = Context == null ? null : UserInput.Value(Context, "The context", "InvalidContextJson");
            var existing = Store.Find(slug);
            var storedName = existing == null ? null : Json.Str(existing, StateKeys.MissionName);
            if (storedName != null && !string.Equals(storedName.Trim(), name, StringComparison.OrdinalIgnoreCase)) throw Collision(slug, storedName, name);
            var existingId = existing == null ? null : Json.Str(existing, StateKeys.MissionId);
            var action = existingId == null
                ? $"Create the mission '{name}' with a run and a plan of {steps.Count} step(s)"
                : $"Resume the mission '{name}' ({existingId}), or start a new run when its last one has ended";
            if (!ShouldProcess(slug, action)) return;

            Store.Update(slug, e =>
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
            var entry = Store.Require(slug);
            var mid = Json.Str(entry, StateKeys.MissionId);
            var rid = Json.Str(entry, StateKeys.RunId);
            var runStatus = RunStatus.Pending;

            // 1. the run we have, if it is still open on the service
            if (mid != null && rid != null)
            {
                JObject? run = null;
                try { run = Run(ct => Missions.GetRunAsync(mid, rid, ct)); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.RunNotFound) { WriteVerbose($"Run {rid} no longer exists on the service."); }
                runStatus = run == null ? RunStatus.Unknown : Wire.Run(Json.Str(run, "status"));
                if (run == null || Wire.IsTerminal(runStatus))
                {
                    // an end this module did not see yet (the service ended it, or it vanished): the hooks still run
                    if (run != null) FollowServiceEnd(new MissionTarget { Slug = slug, MissionId = mid, RunId = rid }, MissionRun.From(run, mid), null);
                    else if ((Json.Str(Store.Require(slug), StateKeys.Status) ?? "active") == "active")
                    {
                        var gone = new MissionTerminalContext(slug, mid, rid, RunStatus.Cancelled, "The run no longer exists on the service.")
                        { Api = Api, Session = Session, CancelToken = CancelToken, StatePath = Store.Path, Verbose = WriteVerbose };
                        foreach (var w in MissionLifecycle.RaiseTerminal(gone)) WriteWarning(w);
                    }
                    Archive(slug, mid, rid, run);
                    did.Add(run == null ? $"run {rid} was gone: started a new run" : $"run {rid} had ended ({Wire.Run(runStatus)}): started a new run");
                    rid = null;
                }
                else if (Json.Str(Store.Require(slug), StateKeys.RunStatus) != Wire.Run(runStatus))
                {
                    var seen = Wire.Run(runStatus);
                    Store.UpdateExisting(slug, e => e[StateKeys.RunStatus] = seen);
                }
            }

            // 1b. the service has no way to change a mission's instructions: new ones are not silently dropped
            if (mid != null) WarnIfInstructionsDiffer(slug, name, mid);

            // 2. the mission
            var createdMission = false;
            if (mid == null)
            {
                mid = CreateMission(slug, name);
                createdMission = true;
                did.Add("created the mission");
            }

            // 3. a new run
            var newRun = false;
            if (rid == null)
            {
                try { rid = CreateRun(slug, mid, context); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.MissionNotFound && !createdMission)
                {
                    // the stored mission was deleted on the service: start over with a new one
                    WriteVerbose($"Mission {mid} no longer exists on the service; creating it again.");
                    Store.UpdateExisting(slug, e => e[StateKeys.MissionId] = null);
                    mid = CreateMission(slug, name);
                    did.Add("created the mission again");
                    rid = CreateRun(slug, mid, context);
                }
                runStatus = RunStatus.Pending;
                newRun = true;
                did.Add("created a run");
            }
            var target = new MissionTarget { Slug = slug, MissionId = mid, RunId = rid };

            // 4. the plan
            var planJson = newRun ? null : Run(ct => Missions.TryGetPlanAsync(mid, rid, ct));
            if (planJson != null && steps.Count > 0)
            {
                var have = MissionPlan.From(planJson, mid, rid, slug).Steps.Select(s => s.StepId).ToArray();
                var want = steps.Select(s => s.StepId).ToArray();
                if (have.Length > 0 && !have.SequenceEqual(want))
                    throw new ClawdTalkException("MissionPlanMismatch", ErrorCategory.InvalidArgument,
                        $"Run {rid} of '{slug}' already has the plan ({string.Join(", ", have)}); -Step gives ({string.Join(", ", want)}). Resume with the same steps, or end the run with Stop-ClawdTalkMission first.", slug);
                if (have.Length == 0) planJson = null;
            }
            if (planJson == null && steps.Count > 0)
            {
                planJson = Run(ct => Missions.CreatePlanAsync(mid, rid, new JArray(steps.Select(s => s.ToJson())), ct));
                did.Add($"created the plan ({steps.Count} steps)");
                if (Json.UnwrapList(planJson, "steps").Count == 0) planJson = Run(ct => Missions.GetPlanAsync(mid, rid, ct));
            }
            if (planJson != null)
            {
                var plan = MissionPlan.From(planJson, mid, rid, slug);
                Store.UpdateExisting(slug, e => e[StateKeys.Steps] = StepsJson(plan.Steps));
            }

            // 5. running
            if (runStatus != RunStatus.Running)
            {
                Run(ct => Missions.UpdateRunAsync(mid, rid, new JObject { ["status"] = "running" }, ct));
                Store.UpdateExisting(slug, e => e[StateKeys.RunStatus] = "running");
                if (!newRun) did.Add("set the run running");
            }

            // 6. the record: one event and memory, exactly once per run
            entry = Store.Require(slug);
            var stepIds = new JArray(MissionStateStore.StepsOf(entry).Select(s => Json.Str(s, "step_id")));
            if (entry[StateKeys.InitLogged]?.Type != JTokenType.Boolean || !(bool)entry[StateKeys.InitLogged]!)
            {
                CreateOnce(slug, "init_event",
                    find: m => Run(ct => Missions.ListEventsAsync(mid, rid, ct)).Where(ev => Json.Str(ev["payload"] as JObject, "init_token") == Json.Str(m, "token"))
                        .Select(ev => Json.Str(ev, "id") ?? "logged").FirstOrDefault(),
                    create: m => LogEvent(target, MissionEventType.Custom, $"Mission '{name}' initialized: run {rid} running with {stepIds.Count} step(s).",
                        payload: new JObject { ["slug"] = slug, ["steps"] = stepIds.DeepClone(), ["did"] = new JArray(did), ["init_token"] = Json.Str(m, "token") }).EventId ?? "logged",
                    record: (e, _) =>
                    {
                        e[StateKeys.InitLogged] = true;
                        MissionStateStore.MemoryOf(e)["initialized"] = Stamp(new JObject { ["run_id"] = rid, ["steps"] = stepIds.DeepClone(), ["did"] = new JArray(did) });
                    });
            }
            else if (did.Count > 0)
            {
                LogEvent(target, MissionEventType.Custom, $"Mission '{name}' resumed: {string.Join("; ", did)}.", payload: new JObject { ["slug"] = slug, ["did"] = new JArray(did) });
                Store.UpdateExisting(slug, e => MissionStateStore.Append(MissionStateStore.MemoryOf(e), "resumed", Stamp(new JObject { ["run_id"] = rid, ["did"] = new JArray(did) })));
            }
            else WriteVerbose($"Mission '{slug}' is already initialized and running (run {rid}); nothing to do.");

            WriteObject(Store.ToModel(slug, Store.Require(slug)));
        }

        string CreateMission(string slug, string name) =>
            CreateOnce(slug, "mission",
                // a mission of this exact name (so of this slug) created since the marker
                find: m => Run(ct => Missions.ListMissionsAsync(100, ct))
                    .Where(o => Json.Str(o, "name") == name && CreatedSince(o, m))
                    .Select(o => Json.Str(o, "id", "mission_id")).FirstOrDefault(id => id != null),
                create: m => Json.Str(Run(ct => Missions.CreateMissionAsync(name, Instructions, ct)), "id", "mission_id")
                    ?? throw new ClawdTalkException("InvalidServerResponse", ErrorCategory.InvalidResult, "The service created the mission but sent no id."),
                record: (e, id) => { e[StateKeys.MissionId] = id; e[InstructionsKey] = Instructions; });

        /// <summary>The instructions the mission was created with (kept beside the published keys).</summary>
        const string InstructionsKey = "instructions";

        void WarnIfInstructionsDiffer(string slug, string name, string mid)
        {
            var stored = Json.Str(Store.Require(slug), InstructionsKey);
            if (stored == null)
            {
                try { stored = Mission.From(Run(ct => Missions.GetMissionAsync(mid, ct))).Instructions; }
                catch (ClawdTalkException ex) { WriteVerbose($"Could not read the instructions of mission {mid}: {ex.Message}"); return; }
                if (stored == null) return;
                var seen = stored;
                Store.UpdateExisting(slug, e => e[InstructionsKey] = seen);
            }
            if (string.Equals(stored.Trim(), Instructions.Trim(), StringComparison.Ordinal)) return;
            WriteWarning($"The mission '{name}' ({mid}) already exists with other instructions, and the service cannot change them: it keeps \"{Shorten(stored)}\". " +
                $"To use the new instructions, start a new mission under another name (Initialize-ClawdTalkMission -Name '{name} 2' …), or end this one and remove its state (Stop-ClawdTalkMission, Remove-ClawdTalkMissionState -Slug {slug}).");
        }

        static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";

        string CreateRun(string slug, string mid, JToken? context) =>
            CreateOnce(slug, "run",
                find: m => Run(ct => Missions.ListRunsAsync(mid, ct))
                    .Where(o => Json.Str(o["input"] as JObject, "client_request_id") == Json.Str(m, "token"))
                    .Select(o => Json.Str(o, "run_id", "id")).FirstOrDefault(),
                create: m =>
                {
                    var input = new JObject { ["original_request"] = Request };
                    if (context != null) input["context"] = context;
                    input["client_request_id"] = Json.Str(m, "token");
                    return Json.Str(Run(ct => Missions.CreateRunAsync(mid, input, ct)), "run_id", "id")
                        ?? throw new ClawdTalkException("InvalidServerResponse", ErrorCategory.InvalidResult, "The service created the run but sent no id.");
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
            Store.UpdateExisting(slug, e =>
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
