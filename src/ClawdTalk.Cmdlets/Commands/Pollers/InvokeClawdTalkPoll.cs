using ClawdTalk.ScheduledEvents;
using ClawdTalk.Commands.Missions;
using ClawdTalk.IO;
using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Pollers
{
    /// <summary>
    /// One poll tick for a mission (what its poller runs): reads its scheduled events, schedules retries of calls that
    /// ended no-answer/busy/failed (per the mission's retry policy), advances their steps with the missions
    /// bookkeeping (event, memory), ends the run when the plan is done or the service ended it, re-registers the poller
    /// when the next event comes nearer, and removes the poller when the mission has ended. Two ticks of the same
    /// mission never run at once (the second one returns Busy), and a tick that crashed is simply redone by the next.
    /// A tick schedules calls (billable) and writes the state file, so it is ShouldProcess'd (ConfirmImpact Low: the
    /// scheduler runs it unattended); under -WhatIf it does nothing at all.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ClawdTalkPoll", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PollResult))]
    public sealed class InvokeClawdTalkPollCommand : ClawdTalkCmdlet
    {
        MissionBookkeeping? _book;

        /// <summary>The missions bookkeeping (the step and run closed, events, memory): a service this cmdlet holds.</summary>
        MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);

        MissionStateStore Store => Book.Store;

        PollerUpkeep? _poller;
        PollerUpkeep Poller => _poller ??= new PollerUpkeep(Slug, Store, WriteVerbose);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        internal static ClawdTalkException NoEvent(string eventId) =>
            new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, $"The service answered without the event {eventId}.", eventId);

        protected override void Process()
        {
            if (!ShouldProcess(Slug, "Run one poll tick: read the mission's scheduled events, schedule retries of calls that were not answered (billable), advance its steps, update its state file and its poller")) return;
            var result = new PollResult { At = DateTimeOffset.UtcNow, Slug = Slug };
            PollerSupport.TrimLog(PollerPaths.LogFile(Slug));
            FileLock tickLock;
            try { tickLock = FileLock.Acquire(PollerPaths.TickLock(Slug), TimeSpan.Zero, CancelToken); }
            catch (ClawdTalkException ex) when (ex.ErrorId == ErrorIds.StateLocked)
            {
                result.Status = PollStatus.Busy;
                result.Message = $"Another tick of '{Slug}' is running; this one did nothing.";
                WriteVerbose(result.Message);
                WriteObject(result);
                return;
            }
            using (tickLock) Tick(result);
            WriteObject(result);
        }

        void Tick(PollResult result)
        {
            var scheduler = PollerSchedulers.ForPlatform();
            var mine = scheduler.Available ? scheduler.List().FirstOrDefault(e => e.Slug == Slug) : null;
            var entry = Store.Find(Slug);
            if (entry == null)
            {
                result.Status = PollStatus.Orphaned;
                result.PollerRemoved = Poller.Remove(scheduler) || mine != null;
                result.Message = $"There is no mission '{Slug}' in {Store.Path}" + (result.PollerRemoved ? "; its poller was removed." : ".");
                WriteWarning(result.Message);
                return;
            }
            result.MissionId = Json.Str(entry, StateKeys.MissionId);
            result.RunId = Json.Str(entry, StateKeys.RunId);
            var local = Json.Str(entry, StateKeys.Status) ?? "active";
            if (local != "active")
            {
                Poller.End(result, scheduler, mine, local, $"The mission '{Slug}' has ended ({local}).");
                return;
            }
            var t = Book.FromSlug(Slug);

            // 0. before the first look at the next event (two minutes after its time) there is nothing to ask the service
            var records = EventRecords.Of(entry);
            var now0 = DateTimeOffset.UtcNow;
            if (PollInterval.IsBeforeFirstLook(records.Select(r => (r.IsFinal, r.Handled || r.RetriedBy != null, r.Status, r.ScheduledAt)).ToList(),
                    Json.Double(entry[PollerStateKeys.Poller] as JObject, "time_scale"), now0))
            {
                var next0 = records.Where(r => !r.IsFinal).Select(r => r.ScheduledAt).Min();
                result.EventCount = records.Count;
                result.PendingEvents = records.Count(r => !r.IsFinal);
                result.NextEventAt = next0;
                var interval0 = Poller.Retune(PollInterval.For(next0, false, now0), mine, entry);
                result.Interval = interval0 ?? mine?.Interval;
                result.MissionStatus = "Active";
                result.Status = PollStatus.Waiting;
                result.Message = $"Nothing to ask yet: the first look at the next event is at {ApiText.Iso(PollInterval.FirstLook(next0!.Value))} (two minutes after its time).";
                WriteVerbose(result.Message);
                Poller.Stamp(result.Status, null);
                return;
            }

            // 1. the scheduled events: recorded ones, else the assistant's events of this run; a fresh read of each open one
            var assistant = Json.Str(entry, StateKeys.AssistantId);
            if (records.Count == 0 && assistant != null)
                foreach (var ev in Run(ct => ScheduledEvents.ListAsync(assistant, ct))
                             .Where(ev => Json.Str(ev, "mission_id") == t.MissionId && Json.Str(ev, "run_id") == t.RunId))
                {
                    records.Add(EventRecord.Create(ev, assistant));
                    WriteVerbose($"Found the scheduled event {records[records.Count - 1].Id} of run {t.RunId}.");
                }
            foreach (var r in records.Where(r => !r.IsFinal))
            {
                var aid = r.AssistantId ?? assistant;
                if (aid == null) { WriteWarning($"The event {r.Id} has no assistant id; it cannot be read."); continue; }
                try { r.Update(Run(ct => ScheduledEvents.GetAsync(aid, r.Id, ct)) ?? throw NoEvent(r.Id)); }
                catch (ClawdTalkApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    r.Json["status"] = "missing";
                    WriteWarning($"The scheduled event {r.Id} is gone from the service; it counts as ended.");
                }
            }
            Save(records);

            // 2. retries of calls that did not connect, then 3. the bookkeeping of events that are over for good
            var retrier = new TickRetries(ScheduledEvents, Missions, Store, new CmdletSink(this, force: false));
            var retries = retrier.Retry(Slug, t, entry, records, Save);
            var advanced = Bookkeep(t, records);
            result.Retries = retries.ToArray();
            result.StepsAdvanced = advanced.ToArray();

            // 4. the run ends when its plan is done or the service ended it
            var open = records.Where(r => !r.IsFinal || (r.IsRetryableFailure && r.RetriedBy == null && !r.Handled)).ToList();
            if ((open.Count == 0 && retries.Count == 0) || retrier.RunEnded) CloseIfDone(t);

            result.EventCount = records.Count;
            result.PendingEvents = records.Count(r => !r.IsFinal);
            var after = Store.Find(Slug);
            var status = after == null ? "missing" : Json.Str(after, StateKeys.Status) ?? "active";
            if (status != "active")
            {
                Poller.End(result, scheduler, mine, status, $"The mission '{Slug}' ended ({status}) in this tick.");
                return;
            }

            // 5. the poller follows the next event: tighter as it nears
            var now = Api.Connection.Clock.GetUtcNow(); // the service's clock: a sandbox's runs faster
            var (next, underWay) = NextLook(records, now);
            result.NextEventAt = next;
            var interval = Poller.Retune(PollInterval.For(next, underWay, now, Api.Connection.Clock.Scale), mine, after!);
            result.Interval = interval ?? mine?.Interval;
            result.MissionStatus = "Active";
            result.Status = advanced.Count > 0 || retries.Count > 0 ? PollStatus.Advanced : PollStatus.Waiting;
            result.Message = result.Status == PollStatus.Advanced
                ? $"{(advanced.Count > 0 ? "Advanced " + string.Join(", ", advanced) : "")}{(advanced.Count > 0 && retries.Count > 0 ? "; " : "")}{(retries.Count > 0 ? "scheduled retries " + string.Join(", ", retries) : "")}."
                : result.PendingEvents > 0 ? $"{result.PendingEvents} of {records.Count} scheduled events still open." : "No scheduled event is open; the run is not finished yet.";
            // the clock of the service this tick asked: 1 for the real service (then later ticks may wait for the first look)
            Poller.Stamp(result.Status, Api.Connection.TimeScale);
        }

        /// <summary>
        /// The earliest time of an event not started yet, and whether one is under way (in progress, without a time, or
        /// past its first look): what the poller's interval follows (<see cref="PollInterval.For"/>).
        /// </summary>
        internal static (DateTimeOffset? next, bool underWay) NextLook(IEnumerable<EventRecord> records, DateTimeOffset now)
        {
            var open = records.Where(r => !r.IsFinal).ToList();
            var underWay = open.Any(r => r.Status == "in_progress" || r.ScheduledAt == null || PollInterval.FirstLook(r.ScheduledAt.Value) <= now);
            return (open.Where(r => r.ScheduledAt.HasValue && PollInterval.FirstLook(r.ScheduledAt.Value) > now).Select(r => r.ScheduledAt).Min(), underWay);
        }

        void Save(IEnumerable<EventRecord> records) => Store.UpdateExisting(Slug, e => EventRecords.Merge(e, records));

        /// <summary>For each event that is over for good: its step completed (event and memory), and the event's outcome remembered.</summary>
        List<string> Bookkeep(MissionTarget t, List<EventRecord> records)
        {
            var advanced = new List<string>();
            var maxAttempts = EventRecords.Policy(Store.Require(Slug)).MaxAttempts;
            foreach (var r in records.Where(r => r.IsFinal && !r.Handled && r.RetriedBy == null).ToList())
            {
                if (r.IsRetryableFailure && r.Attempt < maxAttempts) continue; // its retry could not be scheduled this time
                var memory = new JObject
                {
                    ["channel"] = r.IsCall ? "call" : r.Channel ?? "sms", ["to"] = r.To, ["status"] = r.Status, ["outcome"] = r.Outcome,
                    ["attempts"] = r.Attempt,
                };
                if (r.CallStatus != null) memory["call_status"] = r.CallStatus;
                if (r.ConversationId != null) memory["conversation_id"] = r.ConversationId;
                // a step is done when its last event is: not while another call of it is open or still to be retried
                var stepGoesOn = r.StepId != null && records.Any(x => x != r && x.StepId == r.StepId && x.RetriedBy == null
                    && (!x.IsFinal || (x.IsRetryableFailure && !x.Handled && x.Attempt < maxAttempts)));
                if (r.StepId != null && !stepGoesOn)
                {
                    var entry = Store.Require(Slug);
                    var local = MissionStateStore.StepsOf(entry).FirstOrDefault(s => Json.Str(s, "step_id") == r.StepId);
                    var localStatus = Wire.Step(Json.Str(local, "status"));
                    if (localStatus != StepStatus.Completed && localStatus != StepStatus.Skipped && localStatus != StepStatus.Failed)
                    {
                        Run(ct => Missions.UpdateStepAsync(t.MissionId, t.RunId, r.StepId, "completed", ct));
                        var text = $"Step '{r.StepId}' completed: the {r.Describe()} ended {r.Outcome}" + (r.Attempt > 1 ? $" (attempt {r.Attempt})." : ".");
                        var payload = (JObject)memory.DeepClone();
                        payload["event_id"] = r.Id;
                        Book.LogEvent(t, MissionEventType.StepCompleted, text, r.StepId, payload);
                        var stepMemory = new JObject { ["status"] = "completed", ["summary"] = text, ["event_id"] = r.Id, ["outcome"] = r.Outcome };
                        if (r.ConversationId != null) stepMemory["conversation_id"] = r.ConversationId;
                        Book.Remember(t, e =>
                        {
                            MissionEntries.SetStepStatus(e, r.StepId, "completed");
                            MissionStateStore.MemoryOf(e)["step:" + r.StepId] = MissionEntries.Stamp(stepMemory);
                        });
                        advanced.Add(r.StepId);
                    }
                }
                r.Json["handled"] = true;
                var entryAfter = Book.Remember(t, e =>
                {
                    MissionStateStore.MemoryOf(e)["event:" + r.Id] = MissionEntries.Stamp((JObject)memory.DeepClone());
                    EventRecords.Merge(e, new[] { r });
                });
                WriteVerbose($"The {r.Describe()} ({r.Id}) ended {r.Outcome}.");
                if (AgentNotice.Wanted(entryAfter, perCall: true))
                {
                    var failure = AgentNotice.Send(Store, Slug, AgentNotice.CallKeyPrefix + r.Id, AgentNotice.EventEnded(Slug, entryAfter!, r), WriteVerbose, CancelToken);
                    if (failure != null) WriteWarning(failure.Message);
                }
            }
            return advanced;
        }

        /// <summary>Ends the run when the service has ended it, or when every step of its plan is done (the missions bookkeeping).</summary>
        void CloseIfDone(MissionTarget t)
        {
            if (Run(ct => Missions.TryGetPlanAsync(t.MissionId, t.RunId, ct)) != null)
            {
                Book.CloseWhenDone(t);
                return;
            }
            var run = MissionRun.From(Run(ct => Missions.GetRunAsync(t.MissionId, t.RunId, ct)), t.MissionId);
            if (Wire.IsTerminal(run.Status)) Book.FollowServiceEnd(t, run, null);
        }
    }
}
