using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// Cancels scheduled calls and texts that have not started (`DELETE /assistants/{id}/events/{eid}`): those piped in, by
    /// id, or every pending one of a mission run ("cancel the rest" once a mission's goal is met). Each cancellation is
    /// recorded in the mission's memory, and one event on the run says what was cancelled and why.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Unregister, "ClawdTalkScheduledEvent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByInput)]
    [OutputType(typeof(ScheduledEvent))]
    public sealed class UnregisterClawdTalkScheduledEventCommand : EventSelectionCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; } = "cancelled by the user";

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        readonly List<(ScheduledEvent Ev, bool Explicit)> _targets = new List<(ScheduledEvent, bool)>();
        readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        protected override void Process()
        {
            switch (ParameterSetName)
            {
                case ByInput:
                    foreach (var item in InputObject ?? Array.Empty<object>())
                    {
                        var isRun = EventInput.IsRun(item);
                        foreach (var ev in EventInput.Read(item, s => Book.FromSlug(s), Pending)) Add(ev, !isRun);
                    }
                    break;
                case ByEvent:
                    foreach (var id in EventId) Add(new ScheduledEvent { AssistantId = AssistantId, EventId = id, Status = ScheduledEventStatus.Unknown }, true);
                    break;
                default:
                    foreach (var ev in Pending(ParameterSetName == BySlug ? Book.FromSlug(Slug) : Book.FromIds(MissionId, RunId))) Add(ev, false);
                    break;
            }
        }

        /// <summary>"The rest": the run's events that have not started, as the service lists them now.</summary>
        IEnumerable<ScheduledEvent> Pending(MissionTarget t)
        {
            var all = Run(ct => RunEventSource.ForRunAsync(Book.Store, Missions, ScheduledEvents, t, latestOnly: true, refresh: true, LogVerbose, ct));
            var pending = all.Where(e => e.Status == ScheduledEventStatus.Pending).ToList();
            WriteVerbose($"Run {t.RunId}: {pending.Count} of {all.Count} scheduled event(s) have not started.");
            return pending;
        }

        void Add(ScheduledEvent ev, bool isExplicit)
        {
            if (string.IsNullOrEmpty(ev.EventId) || string.IsNullOrEmpty(ev.AssistantId))
            {
                WriteError(Errors.Invalid(ErrorIds.InvalidScheduledEvent, "An event without an EventId and AssistantId cannot be cancelled.", ev));
                return;
            }
            if (_seen.Add(ev.AssistantId + "/" + ev.EventId)) _targets.Add((ev, isExplicit));
        }

        protected override void End()
        {
            var api = ScheduledEvents;
            var ledger = new EventLedger(Book.Store);
            var confirmed = new List<(ScheduledEvent Ev, bool Explicit)>();
            foreach (var (ev, isExplicit) in _targets)
            {
                if (ev.Status == ScheduledEventStatus.Unknown)
                {
                    // given by id only: read it first, for its state and its mission run
                    try { ev.Apply(Run(ct => api.GetAsync(ev.AssistantId, ev.EventId, ct)) ?? new JObject()); }
                    catch (ClawdTalkException ex) { WriteError(ex); continue; }
                }
                if (isExplicit && ev.IsTerminal)
                {
                    WriteError(new ClawdTalkException(ErrorIds.EventNotCancellable, ErrorCategory.InvalidOperation, $"The event {ev.EventId} ({ev.To}) has already ended ({EventLedger.Wire(ev.Status)}).", ev.EventId));
                    continue;
                }
                var what = $"Cancel the scheduled {(ev.Channel == ScheduledEventChannel.Sms ? "text" : "call")}{(ev.ScheduledAt.HasValue ? " at " + SchedulePlanner.Show(ev.ScheduledAt.Value) : "")}: {Reason}";
                if (Confirmed(Force, $"{ev.EventId} ({ev.To ?? "?"}{(ev.Name != null ? ", " + ev.Name : "")})", what)) confirmed.Add((ev, isExplicit));
            }

            // the cancellations, a few at a time; each recorded in its mission's memory (written together)
            var index = StoreIndex.Read(Book.Store, WriteVerbose);
            var cancelled = new List<ScheduledEvent>();
            var reason = Reason;
            if (confirmed.Count > 0)
                Run(async ct =>
                {
                    using var throttle = new System.Threading.SemaphoreSlim(8, 8);
                    await System.Threading.Tasks.Task.WhenAll(confirmed.Select(async c =>
                    {
                        await throttle.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            var ev = c.Ev;
                            try { await api.CancelAsync(ev.AssistantId, ev.EventId, ct).ConfigureAwait(false); }
                            catch (ClawdTalkException ex) when (ex.ErrorId == ErrorIds.EventNotCancellable && !c.Explicit)
                            {
                                Post(() => WriteWarning($"{ev.EventId} ({ev.To}) started before it could be cancelled; it goes on."));
                                return;
                            }
                            catch (ClawdTalkException ex) { Post(() => WriteError(ex)); return; }
                            ev.Status = ScheduledEventStatus.Failed;
                            if (ev.Channel == ScheduledEventChannel.Call) ev.CallStatus = "canceled";
                            ev.Outcome = "canceled";
                            var slug = ev.Slug ?? index.Find(ev).Slug;
                            ev.Slug = slug;
                            lock (cancelled) cancelled.Add(ev);
                            if (slug != null)
                            {
                                try
                                {
                                    await ledger.ChangeAsync(slug, e => EventRecords.Update(e, ev.EventId, r =>
                                    {
                                        EventLedger.SetOutcome(r, ev);
                                        r["cancel_reason"] = reason;
                                        r["outcome_logged"] = true;
                                    })).ConfigureAwait(false);
                                }
                                catch (ClawdTalkException ex) { Post(() => WriteWarning($"The cancellation of {ev.EventId} could not be saved in the memory of '{slug}': {ex.Message}")); }
                            }
                            if (PassThru) Post(() => WriteObject(ev));
                        }
                        finally { throttle.Release(); }
                    })).ConfigureAwait(false);
                });

            // one run event per run: what was cancelled, and why
            foreach (var group in cancelled.Where(e => e.MissionId != null && e.RunId != null).GroupBy(e => (e.MissionId!, e.RunId!)))
            {
                var list = group.ToList();
                var calls = list.Count(e => e.Channel == ScheduledEventChannel.Call);
                var texts = list.Count - calls;
                var what = string.Join(" and ", new[] { calls > 0 ? $"{calls} scheduled call(s)" : null, texts > 0 ? $"{texts} scheduled text(s)" : null }.Where(x => x != null));
                var body = new JObject
                {
                    ["type"] = "custom",
                    ["summary"] = $"Cancelled {what}: {Reason}",
                    ["agent_id"] = MissionEntries.DefaultAgentId,
                    ["payload"] = new JObject
                    {
                        ["reason"] = Reason,
                        ["cancelled"] = new JArray(list.Select(e => new JObject { ["scheduled_event_id"] = e.EventId, ["to"] = e.To, ["name"] = e.Name })),
                    },
                };
                var key = "cancel:" + string.Join(",", list.Select(e => e.EventId).OrderBy(x => x, StringComparer.Ordinal));
                if (key.Length > 200) key = $"cancel:{list.Count}:{list.Min(e => e.EventId)}..{list.Max(e => e.EventId)}";
                try { Run(ct => RunEventLog.LogAsync(api.Client, group.Key.Item1, group.Key.Item2, body, key, LogVerbose, ct)); }
                catch (ClawdTalkException ex) { WriteWarning($"The cancellation was done, but could not be logged on run {group.Key.Item2}: {ex.Message}"); }
            }
            WriteVerbose($"Cancelled {cancelled.Count} of {_targets.Count} event(s).");
        }
    }
}
