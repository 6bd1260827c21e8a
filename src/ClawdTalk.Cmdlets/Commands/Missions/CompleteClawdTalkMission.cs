using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The published `complete`: the run succeeded with a summary and a payload. It acts once per mission, in its end
    /// block, on everything piped in: insights are saved (memory `insights` and the payload), steps whose outreach ran
    /// are completed and the other open steps skipped, pollers are removed, the completion is logged and remembered,
    /// and the slug is kept as history (not forgotten).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "ClawdTalkMission", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class CompleteClawdTalkMissionCommand : SlugScopedCmdlet
    {
        // Everything piped in is collected; each mission is completed once, in the end block, with all of it.
        readonly List<string> _order = new List<string>();
        readonly Dictionary<string, List<object>> _inputs = new Dictionary<string, List<object>>(System.StringComparer.Ordinal);

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Summary { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        /// <summary>What the pipeline brings (insights, finished scheduled events, mission states): collected, not acted on one by one.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            if (!_inputs.TryGetValue(Slug, out var list))
            {
                _inputs[Slug] = list = new List<object>();
                _order.Add(Slug);
            }
            if (InputObject?.BaseObject is object o) list.Add(o);
        }

        protected override void End()
        {
            // after a command that wrote nothing (no insight was ready), no input ever came: the mission named on the command
            // line is still completed, with what there is, rather than nothing happening without a word
            if (_order.Count == 0 && MyInvocation.BoundParameters.ContainsKey(nameof(Slug)) && Slug.Length > 0)
            {
                _inputs[Slug] = new List<object>();
                _order.Add(Slug);
            }
            foreach (var slug in _order)
            {
                try { CompleteOne(slug, _inputs[slug]); }
                catch (ClawdTalkException ex) when (!ex.Terminating) { WriteError(ex); }
            }
        }

        void CompleteOne(string slug, List<object> inputs)
        {
            var insights = inputs.OfType<ConversationInsight>().ToList();
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", ErrorIds.InvalidPayloadJson);
            JArray? insightJson = null;
            if (insights.Count > 0)
            {
                insightJson = new JArray(insights.Select(i => new JObject
                {
                    ["conversation_id"] = i.ConversationId, ["step_id"] = i.StepId, ["summary"] = i.Summary,
                    ["insights"] = Json.FromPowerShell(i.Insights),
                }));
                if (payload == null) payload = new JObject { ["insights"] = insightJson.DeepClone() };
                else if (payload is JObject po && po["insights"] == null) { po = (JObject)po.DeepClone(); po["insights"] = insightJson.DeepClone(); payload = po; }
            }
            var t = Book.FromSlug(slug);
            var entry = Store.Require(slug);
            var summary = Summary ?? "Mission completed.";
            var local = Json.Str(entry, StateKeys.Status) ?? "active";
            var completion = entry[StateKeys.Completion] as JObject;
            if (local == "succeeded" && completion != null && Json.Str(completion, "summary") == summary
                && JToken.DeepEquals(completion["payload"] ?? JValue.CreateNull(), payload ?? JValue.CreateNull()))
            {
                WriteVerbose($"'{slug}' is already complete with this summary; nothing to do.");
                WriteObject(Store.ToModel(slug, entry));
                return;
            }
            if ((local == "failed" || local == "cancelled") && !Force)
                throw new ClawdTalkException(ErrorIds.MissionAlreadyEnded, ErrorCategory.InvalidOperation,
                    $"The mission '{slug}' has already ended as {local}; -Force marks its run succeeded anyway.", slug);
            var with = insights.Count > 0 ? $" with {insights.Count} insight(s)" : "";
            if (!ShouldProcess(slug, $"Complete run {t.RunId} as succeeded{with}: {summary}")) return;

            if (insightJson != null)
            {
                var saved = insightJson;
                Store.UpdateExisting(slug, e => MissionStateStore.MemoryOf(e)["insights"] = saved.DeepClone());
                WriteVerbose($"Saved {insights.Count} insight(s) in the memory of '{slug}' (key 'insights').");
            }

            if (local == "active")
            {
                CompleteStepsThatRan(t, entry, inputs);
                Book.EndRun(t, RunStatus.Succeeded, summary, payload, MissionEventType.Custom, "completion");
            }
            else
            {
                // already ended (by its last step, by the service, or -Force over a failure): the result is updated
                // and logged. "Mission succeeded" was logged when the run ended; it is not logged a second time.
                var body = new JObject { ["status"] = "succeeded", ["result_summary"] = summary };
                if (payload != null) body["result_payload"] = payload;
                Run(ct => Missions.UpdateRunAsync(t.MissionId, t.RunId, body, ct));
                Store.UpdateExisting(slug, e =>
                {
                    e[StateKeys.Status] = "succeeded";
                    e[StateKeys.RunStatus] = "succeeded";
                    e[StateKeys.ResultSummary] = summary;
                    if (e[StateKeys.CompletedAt] == null) e[StateKeys.CompletedAt] = MissionStateStore.Now();
                });
                var record = new JObject { ["status"] = "succeeded", ["summary"] = summary };
                if (payload != null) record["result_payload"] = payload.DeepClone();
                Book.LogEvent(t, MissionEventType.Custom, (local == "succeeded" ? "Mission result: " : "Mission succeeded: ") + summary, payload: record);
                Store.UpdateExisting(slug, e => MissionStateStore.MemoryOf(e)["completion"] = MissionEntries.Stamp(record));
                if (local != "succeeded")
                {
                    var context = new MissionTerminalContext(t.Slug, t.MissionId, t.RunId, RunStatus.Succeeded, summary)
                    { Api = Api, Session = Session, CancelToken = CancelToken, StatePath = Store.Path, Verbose = WriteVerbose };
                    foreach (var w in MissionLifecycle.RaiseTerminal(context)) WriteWarning(w);
                }
            }
            Store.UpdateExisting(slug, e => e[StateKeys.Completion] = new JObject { ["summary"] = summary, ["payload"] = payload?.DeepClone(), ["at"] = MissionStateStore.Now() });
            WriteObject(Store.ToModel(slug, Store.Require(slug)));
        }

        /// <summary>
        /// Open steps whose calls or texts ran are completed, not skipped: the steps named by the insights and finished
        /// events piped in and by the mission's own records of its scheduled events. A call's step is the one it was placed
        /// for (Register-ClawdTalkCall sends it: -StepId, or the plan's, StepPlacement), so nothing is guessed here: a call
        /// that names no step completes none. The rest are skipped by EndRun.
        /// </summary>
        void CompleteStepsThatRan(MissionTarget t, JObject entry, List<object> inputs)
        {
            var plan = Run(ct => Missions.TryReadPlanAsync(t.MissionId, t.RunId, t.Slug, ct));
            if (plan == null) return;
            var open = plan.Steps.Where(s => !s.IsTerminal).ToList();
            if (open.Count == 0) return;
            var ran = new HashSet<string>(System.StringComparer.Ordinal);
            void Ran(string? stepId) { if (!string.IsNullOrEmpty(stepId)) ran.Add(stepId!); }
            foreach (var i in inputs.OfType<ConversationInsight>()) Ran(i.StepId);
            foreach (var ev in inputs.OfType<ScheduledEvent>().Where(e => e.IsTerminal && !string.Equals(e.Outcome, "canceled", System.StringComparison.OrdinalIgnoreCase)))
                if (ev.RunId == null || ev.RunId == t.RunId) Ran(ev.StepId);
            foreach (var r in EventRecords.Read(entry))
            {
                var status = Json.Str(r, "status");
                if ((Json.Str(r, "run_id") ?? t.RunId) == t.RunId && (status == "completed" || status == "failed")
                    && !string.Equals(Json.Str(r, "outcome"), "canceled", System.StringComparison.OrdinalIgnoreCase))
                    Ran(Json.Str(r, "step_id"));
            }
            foreach (var step in open.Where(s => ran.Contains(s.StepId)))
            {
                Run(ct => Missions.SetStepAsync(t.MissionId, t.RunId, step.StepId, StepStatus.Completed, t.Slug, ct));
                Book.LogEvent(t, MissionEventType.StepCompleted, $"Step '{step.StepId}' completed: its outreach ran.", step.StepId);
                Book.Remember(t, e =>
                {
                    MissionEntries.SetStepStatus(e, step.StepId, Wire.Step(StepStatus.Completed));
                    MissionStateStore.MemoryOf(e)["step:" + step.StepId] = MissionEntries.Stamp(new JObject { ["status"] = Wire.Step(StepStatus.Completed), ["summary"] = "its outreach ran" });
                });
            }
        }
    }
}
