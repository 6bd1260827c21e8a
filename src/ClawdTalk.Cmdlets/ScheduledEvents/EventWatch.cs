using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The watching half of the scheduled-event engine (Wait-ClawdTalkEvent is its caller): one list request per assistant
    /// per check (never one per event), checks spaced by the published guidance, a progress line, the timeout, and for the
    /// calls that were not answered a retry by the policy (asked of the sink's ShouldProcess, then the one retry path,
    /// <see cref="RetryScheduler"/>), every attempt recorded and each outcome logged once on its run. It takes plain
    /// inputs and a sink (<see cref="IScheduleSink"/>), no cmdlet: EventWatchTests drive it without PowerShell.
    /// </summary>
    internal sealed partial class EventWatch
    {
        readonly WatchOptions _o;
        readonly IScheduleSink _sink;
        readonly MissionStateStore _store;
        readonly Func<ScheduledEventsApi> _eventsOf;
        readonly Func<MissionsApi> _missionsOf;
        readonly bool _whatIf;
        ScheduledEventsApi _events = null!;
        MissionsApi _missionsApi = null!;

        /// <summary>The endpoint clients are asked for when the watch begins (a wait with nothing to watch resolves no connection).</summary>
        public EventWatch(WatchOptions options, Func<ScheduledEventsApi> events, Func<MissionsApi> missions, MissionStateStore store, IScheduleSink sink)
        {
            _o = options; _eventsOf = events; _missionsOf = missions; _store = store; _sink = sink; _whatIf = options.WhatIf;
        }

        sealed class Tracked
        {
            public ScheduledEvent Ev = null!;
            public MissionTarget? T;
            public bool Logged;
            public readonly List<string?> Outcomes = new List<string?>();
        }

        readonly List<Tracked> _tracked = new List<Tracked>();
        readonly HashSet<string> _ids = new HashSet<string>(StringComparer.Ordinal);
        int _done, _retries, _ticks, _requests;
        /// <summary>Finished events per <see cref="OutcomeGroup"/> (reached, not reached, cancelled).</summary>
        readonly int[] _ended = new int[4];

        /// <summary>An event to wait for (once, however often it is given), with the outcomes of its earlier attempts.</summary>
        public void Track(ScheduledEvent ev, IEnumerable<string?> previousOutcomes)
        {
            if (string.IsNullOrEmpty(ev.EventId) || string.IsNullOrEmpty(ev.AssistantId))
            {
                _sink.Error(Errors.Invalid(ErrorIds.InvalidScheduledEvent, "An event without an EventId and AssistantId cannot be waited for.", ev));
                return;
            }
            if (!_ids.Add(ev.AssistantId + "/" + ev.EventId)) return;
            var tr = new Tracked { Ev = ev };
            tr.Outcomes.AddRange(previousOutcomes);
            _tracked.Add(tr);
        }

        /// <summary>How many events are tracked.</summary>
        public int Count => _tracked.Count;

        /// <summary>What the progress bar says it waits for: `3 calls`, `1 text`, `2 calls and texts`.</summary>
        public string Activity()
        {
            var calls = _tracked.Count(t => t.Ev.Channel == ScheduledEventChannel.Call);
            var what = calls == _tracked.Count ? (calls == 1 ? "call" : "calls") : calls == 0 ? (_tracked.Count == 1 ? "text" : "texts") : "calls and texts";
            return $"Waiting for {_tracked.Count} {what}";
        }

        List<Tracked> _open = new List<Tracked>();
        readonly Stopwatch _watch = new Stopwatch();

        /// <summary>
        /// Waits on the caller's thread (the sink's pump) until every tracked event has finished or the timeout has come;
        /// each finished event is written as it finishes. Then <see cref="Summarize"/>.
        /// </summary>
        public void Watch()
        {
            if (_tracked.Count == 0) return;
            foreach (var tr in _tracked) Resolve(tr);
            var events = _events = _eventsOf();
            _missionsApi = _missionsOf();
            var ledger = new EventLedger(_store);
            var progress = _sink.Progress;
            _watch.Start();
            var open = _open = new List<Tracked>(_tracked);
            var outage = new ServiceOutage(ServiceOutage.GraceFrom(_o.UnreachableTimeout), $"{_tracked.Count} scheduled event(s)",
                warning => _sink.Post(() => _sink.Warning(warning)), LogVerbose);
            _sink.Call(async ct => { await WatchAsync(open, events, ledger, progress, _watch, outage, ct).ConfigureAwait(false); return true; });
        }

        /// <summary>What the wait did; WaitTimeout when events are still open.</summary>
        public void Summarize()
        {
            if (_tracked.Count == 0) return;
            var open = _open;
            _sink.Verbose($"Waited {_watch.Elapsed.TotalSeconds:0.#} s: {_done} finished ({Ended(open.Count)}), {_retries} retried; {_ticks} check(s), {_requests} list request(s).");
            if (open.Count > 0)
            {
                var pending = open.Select(x => x.Ev).ToArray();
                throw new ClawdTalkException(ErrorIds.WaitTimeout, ErrorCategory.OperationTimeout,
                    $"{pending.Length} of {_tracked.Count} event(s) had not finished after {_o.Timeout!.Value.TotalSeconds:0.#} s: "
                    + string.Join(", ", pending.Take(10).Select(e => $"{e.EventId} ({e.To}, {EventLedger.Wire(e.Status)})")) + (pending.Length > 10 ? ", …" : "")
                    + ". They go on; wait for them again with Wait-ClawdTalkEvent.", pending)
                { RecommendedAction = "Run Wait-ClawdTalkEvent again (e.g. -Slug) or with a longer -Timeout; Get-ClawdTalkScheduledEvent shows where they stand." };
            }
        }

        /// <summary>A verbose line from any thread.</summary>
        void LogVerbose(string message) => _sink.Post(() => _sink.Verbose(message));

        static string Countdown(TimeSpan t) => ProgressLine.Countdown(t);

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
            var index = _index ??= StoreIndex.Read(_store, LogVerbose);
            var (slug, r) = index.Find(ev);
            if (slug == null && ev.Slug == null && !_reread)
            {
                // an event the index did not know when it was read (scheduled since): read once more, once
                _reread = true;
                index = _index = StoreIndex.Read(_store, LogVerbose);
                (slug, r) = index.Find(ev);
            }
            tr.T = new MissionTarget { MissionId = ev.MissionId, RunId = ev.RunId, Slug = slug };
            if (ev.Slug == null) ev.Slug = slug;
            if (r != null)
            {
                tr.Logged = r["outcome_logged"]?.Type == JTokenType.Boolean && (bool)r["outcome_logged"]!;
                // what the record knows that the service does not say (target name, variables, attempt chain)
                var known = EventLedger.FromRecord(r, slug, ev.MissionId, ev.RunId);
                ev.Name ??= known.Name;
                if (ev.VariablesJson == null) ev.SetVariables(known.VariablesJson);
                ev.RecipientType ??= known.RecipientType;
                ev.TimeZone ??= known.TimeZone;
                ev.TimeWindow ??= known.TimeWindow;
                if (ev.Attempt <= 1) { ev.Attempt = known.Attempt; ev.RetryOf ??= known.RetryOf; }
            }
        }

        async Task WatchAsync(List<Tracked> open, ScheduledEventsApi events, EventLedger ledger, IProgressLine progress, Stopwatch watch, ServiceOutage outage, CancellationToken ct)
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
                            var err = new ClawdTalkException(ErrorIds.ScheduledEventNotFound, ErrorCategory.ObjectNotFound, $"The event {tr.Ev.EventId} cannot be found: its assistant {group.Key} does not exist.", tr.Ev.EventId, ex);
                            _sink.Post(() => _sink.Error(err));
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
                            var err = new ClawdTalkException(ErrorIds.ScheduledEventNotFound, ErrorCategory.ObjectNotFound, $"The event {tr.Ev.EventId} of assistant {tr.Ev.AssistantId} does not exist.", tr.Ev.EventId, ex);
                            _sink.Post(() => _sink.Error(err));
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
                // the service's clock (a sandbox's runs faster, learned from its answers): the guidance and -PollInterval are its time
                var clock = connection.Clock;
                var scale = connection.TimeScale;
                var now = clock.GetUtcNow();
                var next = _o.PollInterval.HasValue ? connection.Real(_o.PollInterval.Value) : WaitCadence.Next(open.Select(x => x.Ev.Status == ScheduledEventStatus.Pending && x.Ev.ScheduledAt.HasValue
                    ? x.Ev.ScheduledAt.Value - now : TimeSpan.Zero), scale);
                next = outage.Next(next);
                var left = _o.Timeout.HasValue ? _o.Timeout.Value - watch.Elapsed : TimeSpan.MaxValue;
                var pct = (int)(100.0 * _done / Math.Max(1, _done + waiting));
                if (open.Count > 0) LogVerbose($"Check {_ticks}: {Ended(waiting)}, {_retries} retried; next check in {Human(next)}.");
                if (open.Count == 0 || lastLook || left <= TimeSpan.Zero)
                {
                    var last = Status(progress, waiting, null, outage, _o.Timeout.HasValue);
                    _sink.Post(() => progress.Update(last, pct, _o.Timeout.HasValue ? (int)Math.Max(0, left.TotalSeconds) : -1, force: true));
                    break;
                }
                // a wait that runs into the timeout ends with one last look, then gives up
                if (next >= left) lastLook = true;
                // the countdown to the next check, a second at a time (real time)
                var until = watch.Elapsed + (lastLook ? left : next);
                while (true)
                {
                    var wait = until - watch.Elapsed;
                    if (wait <= TimeSpan.Zero) break;
                    var leftNow = _o.Timeout.HasValue ? _o.Timeout.Value - watch.Elapsed : TimeSpan.MaxValue;
                    var line = Status(progress, waiting, wait, outage, _o.Timeout.HasValue); // now, not when the pipeline thread gets to it
                    _sink.Post(() => progress.Update(line, pct, _o.Timeout.HasValue ? (int)Math.Max(0, leftNow.TotalSeconds) : -1));
                    var tick = TimeSpan.FromTicks(wait.Ticks % TimeSpan.TicksPerSecond);
                    await Task.Delay(tick > TimeSpan.FromMilliseconds(1) ? tick : wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                }
            }
        }

        /// <summary>`2 reached, 1 not reached, 1 open`: the finished events by the one outcome grouping, and those still open.</summary>
        string Ended(int open)
        {
            var groups = new List<OutcomeGroup>();
            for (var g = 0; g < _ended.Length; g++) for (var i = 0; i < Volatile.Read(ref _ended[g]); i++) groups.Add((OutcomeGroup)g);
            for (var i = 0; i < open; i++) groups.Add(OutcomeGroup.Open);
            return Outcomes.Counts(groups);
        }

        /// <summary>The progress line: the outcomes so far, the retries, and the countdown to the next check, fitted to the console.</summary>
        string Status(IProgressLine progress, int open, TimeSpan? nextCheck, ServiceOutage outage, bool withSecondsLeft)
        {
            var counts = Ended(open);
            var retried = _retries > 0 ? $", {_retries} retried" : "";
            string when, shortWhen;
            if (outage.IsDown)
            {
                when = $"; service unreachable, giving up in {Countdown(outage.Left ?? TimeSpan.Zero)}";
                shortWhen = $"; unreachable ({Countdown(outage.Left ?? TimeSpan.Zero)})";
            }
            else if (nextCheck.HasValue)
            {
                when = $"; next check in {Countdown(nextCheck.Value)}";
                shortWhen = $"; check in {Countdown(nextCheck.Value)}";
            }
            else when = shortWhen = "";
            return progress.Fit(withSecondsLeft, counts + retried + when, counts + retried + shortWhen, counts + shortWhen, counts);
        }

        static string Human(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

        /// <summary>Asks on the pipeline thread (ShouldProcess, -WhatIf, -Confirm, -Force) from the waiting task.</summary>
        Task<bool> AskAsync(string target, string action, CancellationToken ct)
        {
            var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _sink.Post(() =>
            {
                try { tcs.TrySetResult(_sink.Confirm(target, action)); }
                catch (Exception ex) { tcs.TrySetException(ex); throw; }
            });
            var reg = ct.Register(() => tcs.TrySetCanceled());
            return tcs.Task.ContinueWith(t => { reg.Dispose(); return t; }, TaskScheduler.Default).Unwrap();
        }

        internal static string Describe(ScheduledEvent ev)
        {
            var who = ev.To + (ev.Name != null ? $" ({ev.Name})" : "");
            if (ev.Channel == ScheduledEventChannel.Sms)
                return ev.OutcomeGroup == OutcomeGroup.Reached ? $"Text to {who} sent" : ev.OutcomeGroup == OutcomeGroup.Cancelled ? $"Text to {who} cancelled" : $"Text to {who} failed";
            var outcome = ScheduledEvent.Norm(ev.Outcome ?? ev.CallStatus);
            // the one grouping: answered is reached; voicemail, no answer, busy and failed are not reached
            switch (ev.OutcomeGroup)
            {
                case OutcomeGroup.Reached: return $"Call to {who} answered" + (ev.ConversationId != null ? $" (conversation {ev.ConversationId})" : "");
                case OutcomeGroup.Cancelled: return $"Call to {who} cancelled";
                default:
                    return $"Call to {who} not reached ({(outcome.Length > 0 ? outcome : EventLedger.Wire(ev.Status))}"
                           + (ev.ConversationId != null ? $"; conversation {ev.ConversationId}" : "") + ")" + (ev.Attempt > 1 ? $" on attempt {ev.Attempt}" : "");
            }
        }

        static JObject OutcomePayload(ScheduledEvent ev) => new JObject
        {
            ["scheduled_event_id"] = ev.EventId, ["to"] = ev.To, ["channel"] = ev.Channel == ScheduledEventChannel.Sms ? "sms" : "call",
            ["attempt"] = ev.Attempt, ["status"] = EventLedger.Wire(ev.Status), ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome,
            ["conversation_id"] = ev.ConversationId, ["name"] = ev.Name,
        };
    }
}
