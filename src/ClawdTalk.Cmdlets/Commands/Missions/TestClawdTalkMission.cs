using ClawdTalk.ScheduledEvents;
using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// Checks one mission (-Slug, or MissionState objects from the pipeline) or every mission of the store against the
    /// service and the store, and returns one MissionFinding per way it would look wrong on the dashboard. -Fix applies
    /// the safe repairs (each under ShouldProcess). The rules are in Missions/MissionCheck.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ClawdTalkMission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MissionFinding))]
    public sealed class TestClawdTalkMissionCommand : MissionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Slug { get; set; }

        /// <summary>Apply the safe repairs.</summary>
        [Parameter]
        public SwitchParameter Fix { get; set; }

        IPollerScheduler? _scheduler;
        bool _schedulerTried;

        protected override void Process()
        {
            if (Slug != null)
            {
                Check(Slug);
                return;
            }
            var slugs = Store.Entries().Where(p => Json.Str(p.Value, StateKeys.MissionId) != null && Json.Str(p.Value, StateKeys.RunId) != null)
                .Select(p => p.Key).ToList();
            foreach (var s in slugs)
            {
                try { Check(s); }
                catch (ClawdTalkException ex) { WriteError(ex); }
            }
            // pollers whose slug is gone from the store
            var known = new HashSet<string>(Store.Entries().Select(p => p.Key), StringComparer.Ordinal);
            var scheduler = Scheduler();
            if (scheduler == null) return;
            foreach (var p in ListPollers(scheduler).Where(p => !known.Contains(p.Slug)).GroupBy(p => p.Slug).Select(g => g.First()))
            {
                var f = MissionCheck.Orphan(p);
                if (Fix) Repair(f, $"poller of '{p.Slug}'", "Unregister the poller left behind", () => scheduler.Unregister(p.Slug));
                WriteObject(f);
            }
        }

        IPollerScheduler? Scheduler()
        {
            if (_schedulerTried) return _scheduler;
            _schedulerTried = true;
            var s = PollerSchedulers.ForPlatform();
            _scheduler = s.Available ? s : null;
            if (_scheduler == null) WriteVerbose($"The {s.Name} scheduler is not available here: pollers were not checked.");
            return _scheduler;
        }

        IReadOnlyList<PollerEntry> ListPollers(IPollerScheduler s)
        {
            try { return s.List(); }
            catch (Exception ex) when (ex is ClawdTalkException || ex is System.IO.IOException || ex is InvalidOperationException || ex is TimeoutException)
            {
                WriteVerbose($"The pollers could not be listed: {ex.Message}");
                return Array.Empty<PollerEntry>();
            }
        }

        MissionCheckInput Read(MissionTarget t)
        {
            var entry = Store.Find(t.Slug!);
            var input = new MissionCheckInput
            {
                Slug = t.Slug, MissionId = t.MissionId, RunId = t.RunId, Entry = entry,
                Run = Run(ct => Missions.GetRunAsync(t.MissionId, t.RunId, ct)),
                Plan = Run(ct => Missions.TryGetPlanAsync(t.MissionId, t.RunId, ct)),
                Timeline = Run(ct => Missions.ListEventsAsync(t.MissionId, t.RunId, ct)),
                Agents = Run(ct => Missions.ListAgentsAsync(t.MissionId, t.RunId, ct)),
            };
            input.ServiceEvents = ScheduledEventsOfRun(t, entry, input.Agents);
            var scheduler = Scheduler();
            if (scheduler != null) input.Pollers = ListPollers(scheduler).Where(p => p.Slug == t.Slug).ToList();
            return input;
        }

        void Check(string slug)
        {
            var t = FromSlug(slug);
            var input = Read(t);
            var findings = MissionCheck.Inspect(input);
            WriteVerbose($"{slug}: {findings.Count} finding(s) over {input.ServiceEvents.Count} scheduled event(s) and {input.Timeline.Count} run event(s).");
            if (Fix && findings.Count > 0) Repair(t, input, findings);
            foreach (var f in findings) WriteObject(f);
        }

        /// <summary>Safe repairs, in an order where each sees the previous: records and events first, the run's end last.</summary>
        void Repair(MissionTarget t, MissionCheckInput input, List<MissionFinding> findings)
        {
            var target = t.ToString();
            JObject? Event(MissionFinding f) => input.ServiceEvents.FirstOrDefault(e => Json.Str(e, "id", "event_id") == f.EventId);

            // a run that ended while its calls go on is running again before anything else (the one reopening rule)
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.RunEndedWithEventsPending))
                Repair(f, target, "Set the run running again: its scheduled events are not all done",
                    () => Run(ct => RunReopening.ReopenAsync(Missions, t, "its scheduled events are not all done (repaired by Test-ClawdTalkMission)", LogVerbose, ct)));

            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.EventNotInMemory))
            {
                var ev = Event(f);
                if (ev == null) continue;
                Repair(f, target, $"Add the memory record of scheduled event {f.EventId}",
                    () => Store.UpdateExisting(t.Slug!, e => StoredEventRecords.AddToMemory(e, ev, Json.Str(ev, "assistant_id") ?? "", t.MissionId, t.RunId)));
            }
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.EventNotOnTimeline))
            {
                var ev = Event(f);
                if (ev == null) continue;
                var channel = Json.Str(ev, "channel") == "sms" ? "text" : "call";
                Repair(f, target, $"Log the run event of scheduled event {f.EventId}", () => LogEvent(t, MissionEventType.ToolCall,
                    $"Scheduled a {channel} to {Json.Str(ev, "to")} (recorded late by Test-ClawdTalkMission)", f.StepId,
                    new JObject
                    {
                        ["scheduled_event_id"] = f.EventId, ["assistant_id"] = Json.Str(ev, "assistant_id"), ["channel"] = Json.Str(ev, "channel"),
                        ["to"] = Json.Str(ev, "to"), ["scheduled_at"] = ev["scheduled_at"]?.DeepClone(), ["restored_by"] = "Test-ClawdTalkMission",
                    }));
            }
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.AgentNotLinked))
            {
                var aid = f.AssistantId;
                if (aid == null) continue;
                Repair(f, target, $"Link the assistant {aid} to the run", () => Run(ct => Missions.LinkAgentAsync(t.MissionId, t.RunId, aid, ct)));
            }
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.StepPendingEventDone))
            {
                Repair(f, target, $"Mark the step '{f.StepId}' completed", () =>
                {
                    Run(ct => Missions.UpdateStepAsync(t.MissionId, t.RunId, f.StepId!, "completed", ct));
                    Remember(t, e => SetStepStatus(e, f.StepId!, "completed"));
                    LogEvent(t, MissionEventType.StepCompleted, $"Step '{f.StepId}' completed: its scheduled events are done (repaired by Test-ClawdTalkMission).", f.StepId);
                });
            }
            var stillRunning = findings.FirstOrDefault(f => f.FindingId == MissionCheck.RunStillRunning);
            var stepsFixed = findings.Any(f => f.FindingId == MissionCheck.StepPendingEventDone && f.Fixed);
            if (stillRunning != null || stepsFixed)
            {
                // the run ends from its step states (succeeded, or failed when a step failed); the terminal hooks remove its pollers
                var action = "End the run from its step states";
                if (stillRunning != null) Repair(stillRunning, target, action, () => CloseWhenDone(t));
                else if (ShouldProcess(target, action)) CloseWhenDone(t);
            }
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.RunFailedWithoutError))
            {
                var summary = Json.Str(input.Run, "result_summary");
                Repair(f, target, "Log the error event of the failed run", () => LogEvent(t, MissionEventType.Error,
                    "Mission failed: " + (summary ?? "the run failed (recorded late by Test-ClawdTalkMission)."), payload: new JObject
                    {
                        ["status"] = "failed", ["summary"] = summary, ["restored_by"] = "Test-ClawdTalkMission",
                    }));
            }
            foreach (var f in findings.Where(f => f.FindingId == MissionCheck.PollerLeftBehind))
            {
                var scheduler = Scheduler();
                if (scheduler == null) continue;
                if (f.Fixed) continue;
                Repair(f, target, "Unregister the poller left behind", () => scheduler.Unregister(t.Slug!));
                // one Unregister removes every poller of the slug
                foreach (var other in findings.Where(o => o.FindingId == MissionCheck.PollerLeftBehind && o != f)) { other.Fixed = f.Fixed; other.FixNote = f.FixNote; }
                break;
            }
        }

        void Repair(MissionFinding f, string target, string action, Action work)
        {
            if (!f.CanFix) return;
            if (!ShouldProcess(target, action))
            {
                f.FixNote = "not applied (-WhatIf, or declined)";
                return;
            }
            try
            {
                work();
                f.Fixed = true;
                WriteVerbose($"Repaired {f.FindingId}: {action}.");
            }
            catch (ClawdTalkException ex)
            {
                f.FixNote = $"the repair failed: {ex.Message}";
                WriteError(ex);
            }
        }
    }
}
