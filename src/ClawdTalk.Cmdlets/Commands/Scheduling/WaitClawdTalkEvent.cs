using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Commands.Calls;
using ClawdTalk.Commands.Missions;
using ClawdTalk.Completers;
using ClawdTalk.Lifecycle;
using ClawdTalk.Outreach;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Scheduling
{
    /// <summary>
    /// Waits for scheduled calls and texts to finish and outputs each one as it does. One list request per assistant per
    /// check (never one per event), checks spaced by the published guidance, a throttled progress bar, -Timeout, Ctrl+C.
    /// With -RetryPolicy, calls that were not answered are scheduled again (billable: ShouldProcess), every attempt recorded.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "ClawdTalkEvent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByInput)]
    [OutputType(typeof(ScheduledEvent))]
    public sealed class WaitClawdTalkEventCommand : EventSelectionCmdlet
    {
        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan? Timeout { get; set; }

        [Parameter]
        public RetryPolicy RetryPolicy { get; set; } = RetryPolicy.None;

        [Parameter]
        [ValidateRange(1, 10)]
        public int? MaxAttempts { get; set; }

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan? RetryDelay { get; set; }

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan? PollInterval { get; set; }

        /// <summary>How long (real seconds) the service may stay unreachable before the wait ends with an error.</summary>
        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan? UnreachableTimeout { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        sealed class Tracked
        {
            public ScheduledEvent Ev = null!;
            public MissionTarget? T;
            public bool Logged;
            public readonly List<string?> Outcomes = new List<string?>();
        }

        readonly List<Tracked> _tracked = new List<Tracked>();
        readonly HashSet<string> _ids = new HashSet<string>(StringComparer.Ordinal);
        bool _whatIf;
        int _done, _failed, _retries, _ticks, _requests;

        protected override void Begin()
        {
            if (Timeout.HasValue && Timeout.Value <= TimeSpan.Zero) throw Errors.Invalid("InvalidTimeout", "-Timeout must be positive.", Timeout);
            if (PollInterval.HasValue && PollInterval.Value < TimeSpan.FromMilliseconds(10)) throw Errors.Invalid("InvalidPollInterval", "-PollInterval must be at least 0.01 seconds.", PollInterval);
            if (RetryDelay.HasValue && RetryDelay.Value < RegisterEventCmdlet.MinimumLead)
                throw Errors.Invalid("InvalidRetryDelay", "-RetryDelay must be at least 60 seconds: the service takes calls scheduled a minute ahead or more.", RetryDelay);
            if (RetryDelay.HasValue && RetryPolicy == RetryPolicy.None && !MaxAttempts.HasValue)
                throw Errors.Invalid("RetryDelayWithoutRetries", "-RetryDelay applies with -RetryPolicy or -MaxAttempts.", RetryDelay);
            if (UnreachableTimeout.HasValue && UnreachableTimeout.Value <= TimeSpan.Zero)
                throw Errors.Invalid("InvalidUnreachableTimeout", "-UnreachableTimeout must be positive.", UnreachableTimeout);
            _whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter sw && sw.IsPresent;
        }

        protected override void Process()
        {
            switch (ParameterSetName)
            {
                case ByInput:
                    foreach (var item in InputObject ?? Array.Empty<object>())
                        foreach (var ev in EventInput.Read(this, item, e => LoadRunEvents(e))) Track(ev);
                    break;
                case ByEvent:
                    foreach (var id in EventId) Track(new ScheduledEvent { AssistantId = AssistantId, EventId = id, Status = ScheduledEventStatus.Unknown });
                    break;
                default:
                    var t = ParameterSetName == BySlug ? FromSlug(Slug) : FromIds(MissionId, RunId);
                    foreach (var ev in LoadRunEvents(t)) Track(ev);
                    break;
            }
        }

        void Track(ScheduledEvent ev)
        {
            if (string.IsNullOrEmpty(ev.EventId) || string.IsNullOrEmpty(ev.AssistantId))
            {
                WriteError(Errors.Invalid("InvalidScheduledEvent", "An event without an EventId and AssistantId cannot be waited for.", ev));
                return;
            }
            if (!_ids.Add(ev.AssistantId + "/" + ev.EventId)) return;
            var tr = new Tracked { Ev = ev };
            foreach (var a in ev.PreviousAttempts) tr.Outcomes.Add(Convert.ToString(PSObject.AsPSObject(a).Properties["outcome"]?.Value, CultureInfo.InvariantCulture));
            _tracked.Add(tr);
        }

        /// <summary>The latest attempt of every target of a run: from the mission's memory, else from its linked assistants' events.</summary>
        IEnumerable<ScheduledEvent> LoadRunEvents(MissionTarget t) =>
            RunEventSource.ForRun(this, t, new EventApi(Api, LogVerbose), latestOnly: true, refresh: false);

        protected override void End()
        {
            if (_tracked.Count == 0) return;
            foreach (var tr in _tracked) Resolve(tr);
            var events = new EventApi(Api, LogVerbose);
            var ledger = new OutreachLedger(Store);
            var progress = new WaitProgress(this, 0x5745 /* "WE" */, $"Waiting for {_tracked.Count} scheduled event(s)");
            var watch = Stopwatch.StartNew();
            var open = new List<Tracked>(_tracked);
            var outage = new ServiceOutage(ServiceOutage.GraceFrom(UnreachableTimeout), $"{_tracked.Count} scheduled event(s)",
                warning => Post(() => WriteWarning(warning)), LogVerbose);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
            var task = Task.Run(() => WatchAsync(open, events, ledger, progress, watch, outage, stop.Token));
            try
            {
                var tasks = new Task[] { task };
                while (Task.WaitAny(tasks, 50) < 0) Drain();
                Drain();
                task.GetAwaiter().GetResult();
            }
            finally
            {
                stop.Cancel();
                Drain();
                progress.Complete();
            }
            WriteVerbose($"Waited {watch.Elapsed.TotalSeconds:0.#} s: {_done} finished ({_failed} not reached), {_retries} retried; {_ticks} check(s), {_requests} list request(s).");
            if (open.Count > 0)
            {
                var pending = open.Select(x => x.Ev).ToArray();
                throw new ClawdTalkException("WaitTimeout", ErrorCategory.OperationTimeout,
                    $"{pending.Length} of {_tracked.Count} event(s) had not finished after {Timeout!.Value.TotalSeconds:0.#} s: "
                    + string.Join(", ", pending.Take(10).Select(e => $"{e.EventId} ({e.To}, {OutreachLedger.Wire(e.Status)})")) + (pending.Length > 10 ? ", …" : "")
                    + ". They go on; wait for them again with Wait-ClawdTalkEvent.", pending)
                { RecommendedAction = "Run Wait-ClawdTalkEvent again (e.g. -Slug) or with a longer -Timeout; Get-ClawdTalkScheduledEvent shows where they stand." };
            }
        }

        StoreIndex? _index;
        bool _reread;

        /// <summary>The mission run (and slug, and whether its outcome is already logged) of an event, once its ids are known.</summary>
        void Resolve(Tracked tr)
        {
            lock (_tracked) ResolveLocked(tr);
        }

        void ResolveLocked(Tracked tr)
        {
            var ev = tr.Ev;
            if (tr.T != null || ev.MissionId == null || ev.RunId == null) return;
            var index = _index ??= StoreIndex.Read(Store, LogVerbose);
            var (slug, r) = index.Find(ev);
            if (slug == null && ev.Slug == null && !_reread)
            {
                // an event the index did not know when it was read (scheduled since): read once more, once
                _reread = true;
                index = _index = StoreIndex.Read(Store, LogVerbose);
                (slug, r) = index.Find(ev);
            }
            tr.T = new MissionTarget { MissionId = ev.MissionId, RunId = ev.RunId, Slug = slug };
            if (ev.Slug == null) ev.Slug = slug;
            if (r != null)
            {
                tr.Logged = r["outcome_logged"]?.Type == JTokenType.Boolean && (bool)r["outcome_logged"]!;
                // what the record knows that the service does not say (target name, variables, attempt chain)
                var known = OutreachLedger.FromRecord(r, slug, ev.MissionId, ev.RunId);
                ev.Name ??= known.Name;
                if (ev.VariablesJson == null) ev.SetVariables(known.VariablesJson);
                ev.RecipientType ??= known.RecipientType;
                ev.TimeZone ??= known.TimeZone;
                ev.TimeWindow ??= known.TimeWindow;
                if (ev.Attempt <= 1) { ev.Attempt = known.Attempt; ev.RetryOf ??= known.RetryOf; }
            }
        }

        async Task WatchAsync(List<Tracked> open, EventApi events, OutreachLedger ledger, WaitProgress progress, Stopwatch watch, ServiceOutage outage, CancellationToken ct)
        {
            var connection = events.Client.Connection;
            var lastLook = false;
            using var finishing = new SemaphoreSlim(4, 4);
            while (open.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                _ticks++;
                // 1. one list request per assistant
                foreach (var group in open.GroupBy(x => x.Ev.AssistantId).ToList())
                {
                    IReadOnlyList<JObject> listed;
                    try
                    {
                        Interlocked.Increment(ref _requests);
                        listed = await events.ListAsync(group.Key, ct).ConfigureAwait(false);
                        outage.Answered();
                    }
                    catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound)
                    {
                        foreach (var tr in group.ToList())
                        {
                            open.Remove(tr);
                            var err = new ClawdTalkException("ScheduledEventNotFound", ErrorCategory.ObjectNotFound, $"The event {tr.Ev.EventId} cannot be found: its assistant {group.Key} does not exist.", tr.Ev.EventId, ex);
                            Post(() => WriteError(err));
                        }
                        continue;
                    }
                    catch (ClawdTalkException ex) when (!(ex is RequestOutcomeUnknownException))
                    {
                        LogVerbose($"Could not read the events of assistant {group.Key} this time ({ex.ErrorId}); trying again at the next check.");
                        if (ServiceOutage.IsOutage(ex)) outage.Failed(ex); // a warning at once; the terminating error after the grace period
                        continue;
                    }
                    var byId = new Dictionary<string, JObject>(StringComparer.Ordinal);
                    foreach (var o in listed) { var id = Json.Str(o, "id", "event_id"); if (id != null) byId[id] = o; }
                    foreach (var tr in group)
                    {
                        if (byId.TryGetValue(tr.Ev.EventId, out var o)) { tr.Ev.Apply(o); continue; }
                        // not in the list (a service that pages it): read that one event
                        try
                        {
                            Interlocked.Increment(ref _requests);
                            var one = await events.GetAsync(tr.Ev.AssistantId, tr.Ev.EventId, ct).ConfigureAwait(false);
                            if (one != null) tr.Ev.Apply(one);
                        }
                        catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.ScheduledEventNotFound)
                        {
                            open.Remove(tr);
                            var err = new ClawdTalkException("ScheduledEventNotFound", ErrorCategory.ObjectNotFound, $"The event {tr.Ev.EventId} of assistant {tr.Ev.AssistantId} does not exist.", tr.Ev.EventId, ex);
                            Post(() => WriteError(err));
                        }
                        catch (ClawdTalkException ex)
                        {
                            LogVerbose($"Could not read the event {tr.Ev.EventId} ({ex.ErrorId}); trying again at the next check.");
                            if (ServiceOutage.IsOutage(ex)) outage.Failed(ex);
                        }
                    }
                }

                // 2. the finished ones: retried, or recorded and passed on
                var finished = open.Where(x => x.Ev.IsTerminal).ToList();
                await Task.WhenAll(finished.Select(async tr =>
                {
                    await finishing.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        if (await FinishAsync(tr, events, ledger, ct).ConfigureAwait(false)) lock (open) open.Remove(tr);
                    }
                    finally { finishing.Release(); }
                })).ConfigureAwait(false);

                // 3. progress, timeout, the next check
                var waiting = open.Count;
                var pendingCount = open.Count(x => x.Ev.Status == ScheduledEventStatus.Pending || x.Ev.Status == ScheduledEventStatus.Unknown);
                var now = DateTimeOffset.UtcNow;
                // the sandbox says how fast its clock runs (learned from its answers): the guidance and -PollInterval are service time
                var scale = connection.TimeScale;
                var next = PollInterval.HasValue ? connection.Real(PollInterval.Value) : PollSchedule.Next(open.Select(x => x.Ev.Status == ScheduledEventStatus.Pending && x.Ev.ScheduledAt.HasValue
                    ? PollSchedule.Remaining(x.Ev.ScheduledAt.Value, x.Ev.CreatedAt, now, scale) : TimeSpan.Zero), scale);
                next = outage.Next(next);
                var left = Timeout.HasValue ? Timeout.Value - watch.Elapsed : TimeSpan.MaxValue;
                var status = $"{_done} done ({_failed} not reached), {waiting} waiting ({pendingCount} not started), {_retries} retried"
                             + (outage.IsDown ? $"; the service is unreachable (giving up in {Human(outage.Left ?? TimeSpan.Zero)})" : "");
                var pct = (int)(100.0 * _done / Math.Max(1, _done + waiting));
                var secs = Timeout.HasValue ? (int)Math.Max(0, left.TotalSeconds) : -1;
                Post(() => progress.Update(status + (open.Count > 0 ? $"; next check in {Human(next)}" : ""), pct, secs));
                if (open.Count > 0) LogVerbose($"Check {_ticks}: {status}; next check in {Human(next)}.");
                if (open.Count == 0 || lastLook || left <= TimeSpan.Zero) break;
                // a wait that runs into the timeout ends with one last look, then gives up
                if (next >= left) lastLook = true;
                await Task.Delay(lastLook ? left : next, ct).ConfigureAwait(false);
            }
        }

        static string Human(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

        RetryRule? RuleFor(ScheduledEvent ev)
        {
            switch (RetryPolicy)
            {
                case RetryPolicy.None:
                    return MaxAttempts.HasValue ? new RetryRule("Custom", MaxAttempts.Value, new[] { RetryDelay ?? TimeSpan.FromMinutes(10) }) : null;
                case RetryPolicy.ByRecipientType:
                    return ev.RecipientType.HasValue ? RetryRule.For(ev.RecipientType.Value).With(MaxAttempts, RetryDelay) : null;
                case RetryPolicy.AutomatedSystem: return RetryRule.AutomatedSystem.With(MaxAttempts, RetryDelay);
                case RetryPolicy.Business: return RetryRule.Business.With(MaxAttempts, RetryDelay);
                default: return RetryRule.Professional.With(MaxAttempts, RetryDelay);
            }
        }

        /// <summary>Handles a finished event; true when it is done (output), false when a retry now takes its place.</summary>
        async Task<bool> FinishAsync(Tracked tr, EventApi events, OutreachLedger ledger, CancellationToken ct)
        {
            Resolve(tr);
            var ev = tr.Ev;
            var rule = RuleFor(ev);
            string why = "";
            if (rule != null && ev.To != null && ev.From != null && rule.ShouldRetry(ev, tr.Outcomes, out why))
            {
                var retry = await TryRetryAsync(tr, rule, events, ledger, ct).ConfigureAwait(false);
                if (retry) return false;
            }
            else if (rule != null && ev.IsRetryable)
                LogVerbose($"{ev.To}: {ev.CallStatus ?? ev.Outcome} on attempt {ev.Attempt}; not retried: {(why.Length > 0 ? why : "its number or caller is unknown")}.");

            if (!_whatIf && tr.T != null && !tr.Logged)
            {
                if (tr.T.Slug != null)
                    await ledger.ChangeAsync(tr.T.Slug, e => OutreachLedger.Update(e, ev.EventId, r => OutreachLedger.SetOutcome(r, ev))).ConfigureAwait(false);
                if (!ev.IsCanceled)
                {
                    try
                    {
                        var body = new JObject
                        {
                            ["type"] = ev.Status == ScheduledEventStatus.Completed ? "custom" : "error",
                            ["summary"] = Describe(ev),
                            ["agent_id"] = DefaultAgentId,
                            ["payload"] = OutcomePayload(ev),
                        };
                        if (ev.StepId != null) body["step_id"] = ev.StepId;
                        await ClawdTalk.Outreach.RunEvents.LogAsync(events.Client, tr.T.MissionId, tr.T.RunId, body, "outcome:" + ev.EventId, LogVerbose, ct).ConfigureAwait(false);
                    }
                    catch (ClawdTalkException ex)
                    {
                        var runId = tr.T.RunId;
                        Post(() => WriteWarning($"The outcome of {ev.EventId} ({ev.To}) could not be logged on run {runId}: {ex.Message}"));
                    }
                }
                if (tr.T.Slug != null)
                    await ledger.ChangeAsync(tr.T.Slug, e => OutreachLedger.Update(e, ev.EventId, r => r["outcome_logged"] = true)).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _done);
            if (ev.Status != ScheduledEventStatus.Completed) Interlocked.Increment(ref _failed);
            var output = ev;
            Post(() => WriteObject(output));
            return true;
        }

        async Task<bool> TryRetryAsync(Tracked tr, RetryRule rule, EventApi events, OutreachLedger ledger, CancellationToken ct)
        {
            var ev = tr.Ev;
            var now = DateTimeOffset.UtcNow;
            TimeZoneInfo? zone = null;
            var zoneId = ev.TimeZone?.Split(',')[0];
            try { zone = zoneId != null ? Zones.Find(zoneId) : Zones.ForNumber(ev.To!)[0]; }
            catch (ClawdTalkException) { zone = null; }
            var at = rule.NextTime(ev.Attempt, now, ev.ScheduledAt, zone);
            if (at < now + RegisterEventCmdlet.DefaultLead) at = now + RegisterEventCmdlet.DefaultLead;
            if (ev.TimeWindow != null && zone != null)
            {
                try { at = Outreach.TimeWindow.Parse(ev.TimeWindow, null).NextOpening(at, zone); }
                catch (ClawdTalkException) { }
            }
            at = EventApi.Ceil(at);
            var attempt = ev.Attempt + 1;
            var action = $"Schedule retry {attempt - 1} (attempt {attempt} of at most {rule.MaxAttempts}, {rule.Name}) at {RegisterEventCmdlet.Show(at)} after {ev.CallStatus ?? ev.Outcome} (billable)";
            var target = ev.To + (ev.Name != null ? $" ({ev.Name})" : "");
            if (!await AskAsync(target, action, ct).ConfigureAwait(false))
            {
                LogVerbose($"{target}: the retry was not scheduled.");
                return false;
            }
            var body = new JObject
            {
                ["channel"] = "call", ["to"] = ev.To, ["from"] = ev.From, ["scheduled_at"] = EventApi.Iso(at),
            };
            if (ev.MissionId != null) body["mission_id"] = ev.MissionId;
            if (ev.RunId != null) body["run_id"] = ev.RunId;
            if (ev.StepId != null) body["step_id"] = ev.StepId;
            JObject created;
            HashSet<string> known;
            lock (_ids) known = new HashSet<string>(_ids.Select(i => i.Substring(i.IndexOf('/') + 1)), StringComparer.Ordinal);
            // reserved in the store first: a poller tick or another wait retrying the same attempt keeps it, nobody is called twice
            var rkey = "retry:" + ev.EventId;
            string? token = null;
            JObject? adopted = null;
            if (tr.T?.Slug != null)
            {
                var slug = tr.T.Slug;
                Reservations.Result res = null!;
                await ledger.ChangeAsync(slug, e => res = Reservations.Reserve(e, rkey, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                if (res.State == Reservations.State.Stale)
                {
                    var since = (Reservations.Since(res.Stale!) ?? DateTimeOffset.UtcNow).AddMinutes(-2);
                    adopted = (await events.ListAsync(ev.AssistantId, ct).ConfigureAwait(false)).FirstOrDefault(o =>
                        Json.Str(o, "to") == ev.To && !known.Contains(Json.Str(o, "id", "event_id") ?? "") && (Json.Str(o, "run_id") ?? ev.RunId) == ev.RunId
                        && (Json.Date(o, "created_at") ?? DateTimeOffset.MaxValue) >= since);
                    var stale = res.Stale!;
                    if (adopted == null)
                        await ledger.ChangeAsync(slug, e => res = Reservations.TakeOver(e, rkey, stale, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                    else
                    {
                        LogVerbose($"{target}: a retry scheduled by a process that is gone landed as {Json.Str(adopted, "id", "event_id")}; adopted.");
                        token = Json.Str(stale, "token");
                    }
                }
                if (adopted == null)
                {
                    if (res.State == Reservations.State.Held)
                    {
                        LogVerbose($"{target}: another process is scheduling its retry right now; looking again at the next check.");
                        return true; // still open: the next check adopts what the other one scheduled
                    }
                    if (res.State == Reservations.State.Done)
                    {
                        try { adopted = await events.GetAsync(ev.AssistantId, res.EventId!, ct).ConfigureAwait(false); }
                        catch (ClawdTalkException ex) { LogVerbose($"{target}: its retry {res.EventId} (scheduled by another process) cannot be read ({ex.ErrorId})."); }
                        if (adopted == null) return false;
                        LogVerbose($"{target}: its retry was scheduled by another process as {res.EventId}; following that one.");
                        return Follow(tr, rule, adopted, attempt, at, ev);
                    }
                    token = res.Token;
                }
            }
            if (adopted != null) created = adopted;
            else
            {
                try { created = await events.CreateOnceAsync(ev.AssistantId, body, known, ct).ConfigureAwait(false); }
                catch (ClawdTalkException ex)
                {
                    Reservations.Ended(token);
                    if (token != null && !(ex is RequestOutcomeUnknownException) && ex.ErrorId != "ScheduleOutcomeUnknown")
                        await ledger.ChangeAsync(tr.T!.Slug!, e => Reservations.Remove(e, rkey, token)).ConfigureAwait(false);
                    Post(() => WriteError(new ClawdTalkException("RetryNotScheduled", ErrorCategory.NotSpecified, $"The retry of {target} could not be scheduled: {ex.Message}", ev.EventId, ex)));
                    return false;
                }
            }
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
                    ["attempt"] = ev.Attempt, ["event_id"] = ev.EventId, ["scheduled_at"] = ev.ScheduledAt.HasValue ? EventApi.Iso(ev.ScheduledAt.Value) : null,
                    ["status"] = OutreachLedger.Wire(ev.Status), ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome,
                }),
            }).ToArray();
            lock (_ids) _ids.Add(next.AssistantId + "/" + next.EventId);
            Interlocked.Increment(ref _retries);
            var old = ev;
            tr.Outcomes.Add(old.Outcome ?? old.CallStatus);
            tr.Ev = next;
            tr.Logged = false;

            // every attempt is recorded: the old one's outcome and the new one, in memory and on the run
            if (tr.T?.Slug != null)
                await ledger.ChangeAsync(tr.T.Slug, e =>
                {
                    OutreachLedger.Update(e, old.EventId, r => { OutreachLedger.SetOutcome(r, old); r["retried_by"] = next.EventId; r["outcome_logged"] = true; });
                    OutreachLedger.Upsert(e, OutreachLedger.RecordOf(next));
                    if (token != null) Reservations.Remove(e, rkey, token); // with the record, in one locked write
                }).ConfigureAwait(false);
            Reservations.Ended(token);
            if (tr.T != null)
            {
                var payload = OutcomePayload(old);
                payload["retry"] = new JObject { ["event_id"] = next.EventId, ["scheduled_at"] = EventApi.Iso(at), ["attempt"] = attempt, ["policy"] = rule.Name, ["max_attempts"] = rule.MaxAttempts };
                var body2 = new JObject
                {
                    ["type"] = "tool_call",
                    ["summary"] = $"{Describe(old)}; retry {attempt - 1} scheduled for {RegisterEventCmdlet.Show(at)} (attempt {attempt} of at most {rule.MaxAttempts})",
                    ["agent_id"] = DefaultAgentId,
                    ["payload"] = payload,
                };
                if (old.StepId != null) body2["step_id"] = old.StepId;
                try
                {
                    await ClawdTalk.Outreach.RunEvents.LogAsync(events.Client, tr.T.MissionId, tr.T.RunId, body2, "retry:" + old.EventId, LogVerbose, ct).ConfigureAwait(false);
                    if (tr.T.Slug != null)
                        await ledger.ChangeAsync(tr.T.Slug, e => OutreachLedger.Update(e, next.EventId, r => r["logged"] = true)).ConfigureAwait(false);
                }
                catch (ClawdTalkException ex)
                {
                    Post(() => WriteWarning($"The retry {next.EventId} of {target} is scheduled, but it could not be logged on run {tr.T.RunId}: {ex.Message}"));
                }
            }
            LogVerbose($"{target}: {old.CallStatus ?? old.Outcome} on attempt {old.Attempt}; retry scheduled as {next.EventId} at {RegisterEventCmdlet.Show(at)}.");
            return true;
        }

        /// <summary>Follows a retry another process scheduled (it recorded and logged it): the new attempt takes the old one's place.</summary>
        bool Follow(Tracked tr, RetryRule rule, JObject created, int attempt, DateTimeOffset at, ScheduledEvent ev)
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
            lock (_ids) _ids.Add(next.AssistantId + "/" + next.EventId);
            tr.Outcomes.Add(ev.Outcome ?? ev.CallStatus);
            tr.Ev = next;
            tr.Logged = true; // the other process logs its outcome
            return true;
        }

        /// <summary>Asks on the pipeline thread (ShouldProcess, -WhatIf, -Confirm, -Force) from the waiting task.</summary>
        Task<bool> AskAsync(string target, string action, CancellationToken ct)
        {
            var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try { tcs.TrySetResult(Confirmed(Force, target, action)); }
                catch (Exception ex) { tcs.TrySetException(ex); throw; }
            });
            var reg = ct.Register(() => tcs.TrySetCanceled());
            return tcs.Task.ContinueWith(t => { reg.Dispose(); return t; }, TaskScheduler.Default).Unwrap();
        }

        internal static string Describe(ScheduledEvent ev)
        {
            var who = ev.To + (ev.Name != null ? $" ({ev.Name})" : "");
            if (ev.Channel == ScheduledEventChannel.Sms)
                return ev.Status == ScheduledEventStatus.Completed ? $"Text to {who} sent" : $"Text to {who} failed";
            var outcome = ScheduledEvent.Norm(ev.Outcome ?? ev.CallStatus);
            switch (outcome)
            {
                case "answered": case "completed": return $"Call to {who} answered" + (ev.ConversationId != null ? $" (conversation {ev.ConversationId})" : "");
                case "voicemail": return $"Call to {who} reached voicemail";
                case "canceled": case "cancelled": return $"Call to {who} cancelled";
                default: return $"Call to {who} not reached ({(outcome.Length > 0 ? outcome : OutreachLedger.Wire(ev.Status))})" + (ev.Attempt > 1 ? $" on attempt {ev.Attempt}" : "");
            }
        }

        static JObject OutcomePayload(ScheduledEvent ev) => new JObject
        {
            ["scheduled_event_id"] = ev.EventId, ["to"] = ev.To, ["channel"] = ev.Channel == ScheduledEventChannel.Sms ? "sms" : "call",
            ["attempt"] = ev.Attempt, ["status"] = OutreachLedger.Wire(ev.Status), ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome,
            ["conversation_id"] = ev.ConversationId, ["name"] = ev.Name,
        };
    }
}
