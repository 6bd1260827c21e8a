using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// Where the scheduled-event engine says what it does. A cmdlet passes its streams (posted to its pipeline thread: the
    /// engine calls from any thread); a test keeps a list.
    /// </summary>
    internal interface IScheduleReport
    {
        void Verbose(string message);
        void Warning(string message);
    }

    internal enum RetryState
    {
        /// <summary>Sent now and recorded.</summary>
        Scheduled,
        /// <summary>A process that is gone had sent it: found on the service and recorded, never sent again.</summary>
        Adopted,
        /// <summary>Another process retried this attempt and recorded it (<see cref="RetryResult.EventId"/>).</summary>
        RetriedElsewhere,
        /// <summary>Another live process is retrying it right now: look again later.</summary>
        Held,
        /// <summary>Not scheduled (<see cref="RetryResult.Error"/>); the attempt may be retried later.</summary>
        NotScheduled,
        /// <summary>The service ended the run as failed or cancelled: nothing more is scheduled on it.</summary>
        RunEnded,
    }

    internal sealed class RetryResult
    {
        public RetryState State;
        /// <summary>The new attempt (Scheduled, Adopted).</summary>
        public ScheduledEvent? Next;
        /// <summary>The retry another process scheduled (RetriedElsewhere).</summary>
        public string? EventId;
        /// <summary>The time the new attempt was scheduled at (it may have moved later than asked).</summary>
        public DateTimeOffset At;
        public ClawdTalkException? Error;
    }

    /// <summary>One retry asked of <see cref="RetryScheduler"/>.</summary>
    internal sealed class RetryRequest
    {
        /// <summary>The attempt that ended: ids, number, caller, mission run, step, outcome, and what its target carried.</summary>
        public ScheduledEvent Ended = null!;
        /// <summary>The slug whose entry records the attempts and holds the reservation (null: nothing recorded).</summary>
        public string? Slug;
        /// <summary>The policy's earliest time for the new attempt (later is as good: it moves when the request comes too late for it).</summary>
        public DateTimeOffset At;
        /// <summary>The new attempt's number.</summary>
        public int Attempt;
        /// <summary>Event ids the caller already owns: never adopted as the landed copy of a lost answer.</summary>
        public ICollection<string> Known = Array.Empty<string>();
        /// <summary>How messages name the callee.</summary>
        public string Target = "";
        /// <summary>The run event logged with the retry (client key <c>retry:&lt;ended id&gt;</c>), null for none.</summary>
        public Func<ScheduledEvent, DateTimeOffset, JObject>? RunEvent;
        /// <summary>More changes of the slug's entry, made in the same locked write as the records.</summary>
        public Action<JObject, ScheduledEvent>? AlsoRecord;
    }

    /// <summary>
    /// The one retry path of scheduled calls (Wait-ClawdTalkEvent's and Invoke-ClawdTalkPoll's): the retry reserved in
    /// the slug's entry under the state file's lock (<c>retry:&lt;event id&gt;</c>, the key every retrier takes), a dead
    /// owner's reservation settled by reading the assistant's events (what landed is adopted, never sent blindly), the run
    /// opened again if the service closed it (<see cref="RunReopening"/>), the request sent once
    /// (<see cref="ScheduledEventsApi.CreateMovableAsync"/>), both attempts recorded with the end of the reservation in one
    /// write, then the run event. No cmdlet, no runspace: it reports through <see cref="IScheduleReport"/>.
    /// </summary>
    internal sealed class RetryScheduler
    {
        readonly ScheduledEventsApi _events;
        readonly MissionsApi _missions;
        readonly MissionStateStore _store;
        readonly EventLedger _ledger;
        readonly IScheduleReport _report;

        public RetryScheduler(ScheduledEventsApi events, MissionsApi missions, MissionStateStore store, EventLedger ledger, IScheduleReport report)
        {
            _events = events; _missions = missions; _store = store; _ledger = ledger; _report = report;
        }

        public async Task<RetryResult> RetryAsync(RetryRequest q, CancellationToken ct)
        {
            var ev = q.Ended;
            var rkey = "retry:" + ev.EventId;
            var at = q.At;
            string? token = null;
            JObject? created = null;
            if (q.Slug != null)
            {
                // reserved in the store first: a poller tick or another wait retrying the same attempt keeps it, nobody is called twice
                Reservations.Result res = null!;
                await _ledger.ChangeAsync(q.Slug, e => res = Reservations.Reserve(e, rkey, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                if (res.State == Reservations.State.Stale)
                {
                    var stale = res.Stale!;
                    var since = (Reservations.Since(stale) ?? DateTimeOffset.UtcNow).AddMinutes(-2);
                    created = (await _events.ListAsync(ev.AssistantId, ct).ConfigureAwait(false)).FirstOrDefault(o =>
                        Json.Str(o, "to") == ev.To && !q.Known.Contains(Json.Str(o, "id", "event_id") ?? "") && (Json.Str(o, "run_id") ?? ev.RunId) == ev.RunId
                        && (Json.Date(o, "created_at") ?? DateTimeOffset.MaxValue) >= since);
                    if (created != null)
                    {
                        _report.Verbose($"{q.Target}: a retry scheduled by a process that is gone landed as {Json.Str(created, "id", "event_id")}; adopted.");
                        token = Json.Str(stale, "token");
                    }
                    else await _ledger.ChangeAsync(q.Slug, e => res = Reservations.TakeOver(e, rkey, stale, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                }
                if (created == null)
                {
                    if (res.State == Reservations.State.Held)
                    {
                        _report.Verbose($"{q.Target}: another process is scheduling its retry right now; looking again at the next check.");
                        return new RetryResult { State = RetryState.Held };
                    }
                    if (res.State == Reservations.State.Done) return new RetryResult { State = RetryState.RetriedElsewhere, EventId = res.EventId };
                    token = res.Token;
                }
            }
            var adopted = created != null;
            if (!adopted)
            {
                var clock = _events.Client.Connection.Clock; // the service's: a sandbox's runs faster than this machine's
                var lead = SchedulePlanner.Lead(clock.Scale);
                var sending = false;
                try
                {
                    // the service may have ended the run (and completed the step) when the call ended: opened again first
                    if (ev.MissionId != null && ev.RunId != null)
                        await RunReopening.BeforeSchedulingAsync(_missions, _store, new MissionTarget { Slug = q.Slug, MissionId = ev.MissionId, RunId = ev.RunId },
                            ev.StepId, $"a retry of the call to {q.Target}", _report.Verbose, ct).ConfigureAwait(false);
                    var soon = clock.GetUtcNow();
                    if (SchedulePlanner.TooSoon(at, soon, clock.Scale)) at = ScheduledEventsApi.Ceil(soon + lead);
                    var body = new JObject { ["channel"] = "call", ["to"] = ev.To, ["from"] = ev.From, ["scheduled_at"] = ApiText.Iso(at) };
                    if (ev.MissionId != null) body["mission_id"] = ev.MissionId;
                    if (ev.RunId != null) body["run_id"] = ev.RunId;
                    if (ev.StepId != null) body["step_id"] = ev.StepId;
                    sending = true;
                    created = await _events.CreateMovableAsync(ev.AssistantId, body, q.Known, () => clock.GetUtcNow() + lead, a => at = a, ct).ConfigureAwait(false);
                }
                catch (ClawdTalkException ex)
                {
                    Reservations.Ended(token);
                    // nothing sent (the run could not be opened again): the attempt is free again. Once the request went out, the
                    // reservation stays whatever the error (a lost answer whose look-up failed too proves nothing): the next
                    // retrier settles it by reading the assistant's events, never by sending blindly
                    if (token != null && !sending)
                        await _ledger.ChangeAsync(q.Slug!, e => Reservations.Remove(e, rkey, token)).ConfigureAwait(false);
                    return new RetryResult { State = ex.ErrorId == ErrorIds.RunEnded ? RetryState.RunEnded : RetryState.NotScheduled, Error = ex };
                }
            }
            var next = NextAttempt(ev, created!, at, q.Attempt);

            // every attempt is recorded: the old one's outcome and the new one, with the end of the reservation, in one locked write
            if (q.Slug != null)
                await _ledger.ChangeAsync(q.Slug, e =>
                {
                    EventRecords.Update(e, ev.EventId, r => { EventLedger.SetOutcome(r, ev); r["retried_by"] = next.EventId; r["outcome_logged"] = true; });
                    EventRecords.Upsert(e, EventLedger.RecordOf(next));
                    q.AlsoRecord?.Invoke(e, next);
                    if (token != null) Reservations.Remove(e, rkey, token);
                }).ConfigureAwait(false);
            Reservations.Ended(token);
            if (q.RunEvent != null && ev.MissionId != null && ev.RunId != null)
            {
                try
                {
                    await RunEventLog.LogAsync(_events.Client, ev.MissionId, ev.RunId, q.RunEvent(next, at), "retry:" + ev.EventId, _report.Verbose, ct, checkFirst: adopted).ConfigureAwait(false);
                    if (q.Slug != null)
                        await _ledger.ChangeAsync(q.Slug, e => EventRecords.Update(e, next.EventId, r => r["logged"] = true)).ConfigureAwait(false);
                }
                catch (ClawdTalkException ex)
                {
                    _report.Warning($"The retry {next.EventId} of {q.Target} is scheduled, but it could not be logged on run {ev.RunId}: {ex.Message}");
                }
            }
            return new RetryResult { State = adopted ? RetryState.Adopted : RetryState.Scheduled, Next = next, At = at };
        }

        /// <summary>
        /// When the next attempt goes: the policy's delay after <paramref name="attemptSoFar"/> (or the next business day in the
        /// callee's zone), at least the service's lead ahead, inside the target's -TimeWindow when it had one, on the service's clock.
        /// </summary>
        public static DateTimeOffset When(RetryRule rule, int attemptSoFar, ScheduledEvent ev, ServiceClock clock)
        {
            var now = clock.GetUtcNow();
            TimeZoneInfo? zone = null;
            var zoneId = ev.TimeZone?.Split(',')[0];
            try { zone = zoneId != null ? Zones.Find(zoneId) : ev.To != null ? Zones.ForNumber(ev.To)[0] : null; }
            catch (ClawdTalkException) { zone = null; }
            var at = rule.NextTime(attemptSoFar, now, ev.ScheduledAt, zone);
            var lead = SchedulePlanner.Lead(clock.Scale);
            if (at < now + lead) at = now + lead;
            if (ev.TimeWindow != null && zone != null)
            {
                try { at = TimeWindow.Parse(ev.TimeWindow, null).NextOpening(at, zone); }
                catch (ClawdTalkException) { }
            }
            return ScheduledEventsApi.Ceil(at);
        }

        /// <summary>The new attempt as the service described it, carrying what the ended one knew (target, step, attempt chain).</summary>
        internal static ScheduledEvent NextAttempt(ScheduledEvent ev, JObject created, DateTimeOffset at, int attempt)
        {
            var next = ScheduledEvent.FromJson(created, ev.AssistantId);
            next.To ??= ev.To; next.From ??= ev.From; next.ScheduledAt ??= at;
            next.Channel = ScheduledEventChannel.Call;
            next.Slug = ev.Slug; next.MissionId = ev.MissionId; next.RunId = ev.RunId; next.StepId ??= ev.StepId;
            next.Name = ev.Name; next.SetVariables(ev.VariablesJson); next.RecipientType = ev.RecipientType;
            next.TimeZone = ev.TimeZone; next.TimeWindow = ev.TimeWindow;
            next.Attempt = attempt;
            next.RetryOf = ev.EventId;
            if (next.Status == ScheduledEventStatus.Unknown) next.Status = ScheduledEventStatus.Pending;
            next.PreviousAttempts = ev.PreviousAttempts.Concat(new object?[]
            {
                Json.ToPowerShell(new JObject
                {
                    ["attempt"] = ev.Attempt, ["event_id"] = ev.EventId, ["scheduled_at"] = ev.ScheduledAt.HasValue ? ApiText.Iso(ev.ScheduledAt.Value) : null,
                    ["status"] = EventLedger.Wire(ev.Status), ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome,
                }),
            }).ToArray();
            return next;
        }
    }
}
