using ClawdTalk.Numbers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The first sends of the scheduled-event engine (Register-ClawdTalkCall and -Sms are its callers): targets validated
    /// and normalised before anything is sent; times from -At, -Stagger and -TimeWindow in the callee's zone; do-not-call
    /// lists; duplicates and targets already scheduled in the run skipped; ShouldProcess per target (asked of the
    /// <see cref="IScheduleSink"/>); then up to <see cref="ScheduleOptions.ThrottleLimit"/> schedule requests in flight,
    /// each reserved in the store, created exactly once, recorded in the mission's memory and logged on its run. It takes
    /// plain inputs (options, the endpoint clients, the store, a cancellation token, a sink), no cmdlet: a test drives it
    /// without PowerShell (FirstSendsTests).
    /// </summary>
    internal sealed partial class FirstSends
    {
        readonly ScheduleOptions _o;
        readonly IScheduleSink _sink;
        readonly MissionStateStore _store;
        readonly CancellationToken _ct;
        readonly bool _whatIf;

        /// <summary>
        /// Checks the options (bad times, windows, zones and exclude lists are refused here, before anything is sent).
        /// Called on the caller's thread: warnings go to the sink directly. The endpoint clients are asked for after the checks
        /// (resolving a connection can fail: bad input is said first).
        /// </summary>
        public FirstSends(ScheduleOptions options, Func<ScheduledEventsApi> events, Func<MissionsApi> missions, MissionStateStore store, IScheduleSink sink, CancellationToken ct)
        {
            _o = options; _sink = sink; _store = store; _ct = ct;
            _whatIf = options.WhatIf;
            if (_o.Standalone)
            {
                if (_o.Channel == ScheduledEventChannel.Call)
                    throw Errors.Invalid(ErrorIds.MissionRequired, "A scheduled call belongs to a mission run (the service needs its mission and run): give -Slug, or -MissionId and -RunId.", _o.AssistantId);
                if (_o.StepId != null)
                    throw Errors.Invalid(ErrorIds.StepWithoutMission, "-StepId needs a mission run: give -Slug, or -MissionId and -RunId.", _o.StepId);
                if (_o.From == null)
                    throw Errors.Invalid(ErrorIds.NoCallerNumber, "A text without a mission needs -From: the number to send it from (the account's dedicated number).", _o.AssistantId);
            }
            if (_o.TimeWindow == null && _o.Weekday != null) throw Errors.Invalid(ErrorIds.WeekdayWithoutTimeWindow, "-Weekday only applies with -TimeWindow.", _o.Weekday);
            // bad times, windows and zones are refused here, before anything is sent; the planning itself waits for the first
            // target, when an answer of the service has told its clock (a sandbox's runs faster than this machine's)
            _at = _o.At.HasValue ? Targets.ParseTime(_o.At.Value, "-At") : (DateTimeOffset?)null;
            _window = _o.TimeWindow != null ? global::ClawdTalk.ScheduledEvents.TimeWindow.Parse(_o.TimeWindow, _o.Weekday) : null;
            _zones = _o.TimeZone != null ? new[] { Zones.Find(_o.TimeZone, "-TimeZone") } : null;
            _ = new SchedulePlanner(System.TimeProvider.System, _at, _o.Stagger, _window, _zones);
            if (_o.ExcludeList != null) _exclude = Targets.ReadExcludeList(_o.ExcludeList, _o.WorkingDirectory, _sink.Warning);
            _o.CheckBegin?.Invoke();
            _events = events();
            _missionsApi = missions();
            _ledger = new EventLedger(_store);
            _index = new RecordIndex(RecordKey);
            _throttle = new SemaphoreSlim(_o.ThrottleLimit, _o.ThrottleLimit);
        }

        readonly Dictionary<string, RunContext> _contexts = new Dictionary<string, RunContext>(StringComparer.Ordinal);
        readonly Dictionary<string, AssistantInfo> _assistants = new Dictionary<string, AssistantInfo>(StringComparer.Ordinal);
        readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        readonly List<Task> _tasks = new List<Task>();
        readonly SemaphoreSlim _throttle;
        readonly ScheduledEventsApi _events;
        readonly MissionsApi _missionsApi;
        readonly EventLedger _ledger;
        readonly RecordIndex _index;
        SchedulePlanner? _planner;
        DateTimeOffset? _at;
        TimeWindow? _window;
        TimeZoneInfo[]? _zones;

        /// <summary>The planner on the service's clock, made for the first target (after the service has answered once).</summary>
        SchedulePlanner Planner() => _planner ??= new SchedulePlanner(_events.Client.Connection.Clock, _at, _o.Stagger, _window, _zones, _sink.Warning);
        HashSet<string> _exclude = new HashSet<string>(StringComparer.Ordinal);
        int _duplicates, _excluded, _already, _scheduled, _failed;

        internal static string Show(DateTimeOffset t) => SchedulePlanner.Show(t);

        /// <summary>` on the sandbox's clock (60× real time)` when the service's clock is not this machine's, else nothing.</summary>
        internal static string ClockNote(ServiceClock clock) =>
            clock.IsScaled ? FormattableString.Invariant($" on the sandbox's clock ({clock.Scale:0.##}× real time)") : "";

        /// <summary>
        /// The targets of one pipeline record, for the run <paramref name="target"/> names (<paramref name="key"/> tells runs
        /// apart; a standalone text has none). On the caller's thread; a target that fails goes to the sink as an error.
        /// </summary>
        public void Process(string key, Func<MissionTarget> target, object[]? to)
        {
            RunContext ctx;
            try { ctx = Context(key, target); }
            catch (ClawdTalkException)
            {
                // the mission cannot take events: every target of this record fails with the same reason
                Interlocked.Add(ref _failed, (to ?? Array.Empty<object>()).Length);
                throw;
            }
            foreach (var raw in to ?? Array.Empty<object>())
            {
                try { Accept(ctx, raw); }
                catch (ClawdTalkException ex)
                {
                    Interlocked.Increment(ref _failed);
                    _sink.Error(ex);
                }
            }
            Progress();
        }

        RunContext Context(string key, Func<MissionTarget> target)
        {
            if (_contexts.TryGetValue(key, out var ctx)) return ctx;
            if (_o.Standalone)
            {
                // no mission: nothing to record or log, no run to compare with (the service takes texts without one)
                ctx = new RunContext { T = new MissionTarget(), NoMission = true };
                _contexts[key] = ctx;
                return ctx;
            }
            var t = target();
            ctx = new RunContext { T = t };
            if (t.Slug != null)
            {
                var entry = _store.Require(t.Slug);
                ctx.DefaultAssistant = Json.Str(entry, StateKeys.AssistantId);
                ctx.DefaultFrom = Json.Str(entry, StateKeys.AgentPhone);
                ctx.StepIds = MissionStateStore.StepsOf(entry).Select(s => Json.Str(s, "step_id") ?? "").Where(s => s.Length > 0).ToArray();
                ctx.Active = (Json.Str(entry, StateKeys.Status) ?? "active") == "active";
                ctx.Records = EventRecords.Read(entry).Where(r => (Json.Str(r, "run_id") ?? t.RunId) == t.RunId).ToList();
                foreach (var r in ctx.Records)
                    if (Json.Str(r, "event_id") != null) Keep(ctx, EventLedger.FromRecord(r, t.Slug, t.MissionId, t.RunId), r);
            }
            if (!ctx.Active)
                throw new ClawdTalkException(ErrorIds.MissionNotActive, ErrorCategory.InvalidOperation,
                    $"The mission '{t.Slug}' has ended; nothing was scheduled. Start a new run with Initialize-ClawdTalkMission.", t.Slug);
            if (_o.StepId != null && ctx.StepIds.Length > 0 && !ctx.StepIds.Contains(_o.StepId))
                throw new ClawdTalkException(ErrorIds.StepNotInPlan, ErrorCategory.ObjectNotFound,
                    $"Run {t.RunId} has no step '{_o.StepId}'. Its steps: {string.Join(", ", ctx.StepIds)}. Nothing was scheduled.", _o.StepId);
            // the step is known from where the calls are placed: asked for, else the plan's (StepPlacement). The run itself is
            // read right before its first request (RunReopening): one ended as failed or cancelled takes nothing, one the
            // service ended as succeeded when its events were done is set running again first.
            ctx.StepId = _o.StepId;
            if (_o.StepId == null)
            {
                ctx.StepId = StepPlacement.For(_sink.Call(ct => _missionsApi.TryGetPlanAsync(t.MissionId, t.RunId, ct)), out var why);
                _sink.Verbose(ctx.StepId != null
                    ? $"The {_o.Noun}s of run {t.RunId} belong to step '{ctx.StepId}' ({why}); -StepId chooses another."
                    : $"The {_o.Noun}s of run {t.RunId} belong to no step ({why}).");
            }
            _contexts[key] = ctx;
            return ctx;
        }

        AssistantInfo AssistantFor(string id, RunContext ctx)
        {
            if (!_assistants.TryGetValue(id, out var info))
            {
                info = new AssistantInfo { Id = id };
                _assistants[id] = info;
                try { info.Listed = _sink.Call(ct => _events.ListAsync(id, ct)); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound)
                {
                    info.Failure = new ClawdTalkException(ErrorIds.AssistantNotFound, ErrorCategory.ObjectNotFound,
                        $"The assistant {id} does not exist; nothing was scheduled with it.", id, ex)
                    { RecommendedAction = "Check the id with Get-ClawdTalkAssistant, or set up the mission's agent with Add-ClawdTalkAgent." };
                }
                foreach (var e in info.Listed) { var eid = Json.Str(e, "id", "event_id"); if (eid != null) info.Known.Add(eid); }
            }
            if (info.Failure == null && !ctx.NoMission && ctx.LoadedAssistants.Add(info.Id)) LoadExisting(info, ctx);
            return info;
        }

        /// <summary>The service's view of the run's events with this assistant, over what the memory said.</summary>
        void LoadExisting(AssistantInfo info, RunContext ctx)
        {
            var recorded = new HashSet<string>(ctx.Records.Select(r => Json.Str(r, "event_id") ?? ""), StringComparer.Ordinal);
            foreach (var e in info.Listed)
            {
                var id = Json.Str(e, "id", "event_id");
                if (id == null) continue;
                var run = Json.Str(e, "run_id");
                if (run == null ? !recorded.Contains(id) : run != ctx.T.RunId) continue;
                if (ctx.KeyOf.TryGetValue(id, out var key) && ctx.Existing.TryGetValue(key, out var known) && known.EventId == id)
                {
                    known.Apply(e);
                    if (known.IsCanceled) ctx.Existing.Remove(key); // cancelled since: the target may be scheduled again
                    continue;
                }
                if (recorded.Contains(id)) continue; // recorded as cancelled, or superseded by a later attempt
                var ev = new ScheduledEvent { Slug = ctx.T.Slug, MissionId = ctx.T.MissionId, RunId = ctx.T.RunId, AssistantId = info.Id };
                ev.Apply(e);
                Keep(ctx, ev, null);
            }
        }

        void Keep(RunContext ctx, ScheduledEvent ev, JObject? record)
        {
            if (ev.IsCanceled || ev.To == null) return;
            if (!E164.TryNormalize(ev.To, out var to, E164.Strictness.Possible)) to = ev.To;
            var key = Key(ev.RunId ?? "", to, ev.StepId, ev.Text);
            if (ctx.Existing.TryGetValue(key, out var have) && have.Attempt > ev.Attempt) return;
            _recordOf[ev.EventId] = record;
            ctx.Existing[key] = ev;
            ctx.KeyOf[ev.EventId] = key;
        }

        readonly Dictionary<string, JObject?> _recordOf = new Dictionary<string, JObject?>(StringComparer.Ordinal);

        /// <summary>
        /// A target of a run: channel, number, step and (texts) text. Without -StepId a number already scheduled in the run
        /// under any step is the same target (a rerun finds what it placed even after the step it chose has ended).
        /// </summary>
        string Key(string runId, string to, string? step, string? text) =>
            $"{runId}|{(_o.Channel == ScheduledEventChannel.Call ? "call" : "sms")}|{to}|{(_o.StepId == null ? "*" : step ?? "")}" + (_o.Channel == ScheduledEventChannel.Sms ? "|" + (text ?? "") : "");

        /// <summary>Before the first request of a run: the run (and the step) opened again if the service closed them (RunReopening), once.</summary>
        Task EnsureOpenAsync(RunContext ctx, CancellationToken ct)
        {
            lock (ctx)
                return ctx.Opening ??= RunReopening.BeforeSchedulingAsync(_missionsApi, _store, ctx.T, ctx.StepId,
                    $"the {_o.Noun}s of {_o.CommandName}", LogVerbose, ct);
        }

        void Accept(RunContext ctx, object raw)
        {
            var target = Targets.Read(raw);
            if (_exclude.Contains(target.Phone))
            {
                _excluded++;
                _sink.Warning($"Skipped {target}: it is on the exclude list.");
                return;
            }
            var text = _o.TextFor(target);
            var stepId = ctx.StepId;
            var key = Key(ctx.T.RunId, target.Phone, stepId, text);
            var aid = target.AssistantId ?? _o.AssistantId ?? ctx.DefaultAssistant
                ?? throw new ClawdTalkException(ErrorIds.AssistantRequired, ErrorCategory.InvalidArgument,
                    $"No assistant to place the {_o.Noun} to {target} with: give -AssistantId, or set up the mission's agent with Add-ClawdTalkAgent.", target.Phone);
            if (!_seen.Add(key))
            {
                _duplicates++;
                _sink.Warning($"Skipped {target}: it came twice in the input; it is scheduled once.");
                return;
            }
            var info = AssistantFor(aid, ctx);
            if (info.Failure != null) throw new ClawdTalkException(info.Failure.ErrorId, info.Failure.Category, info.Failure.Message, target.Phone, info.Failure) { RecommendedAction = info.Failure.RecommendedAction };
            if (ctx.Existing.TryGetValue(key, out var existing))
            {
                _already++;
                _sink.Verbose($"{target} already has the {_o.Noun} {existing.EventId} in run {ctx.T.RunId} (attempt {existing.Attempt}); it is not scheduled again.");
                existing.Slug = ctx.T.Slug; existing.MissionId = ctx.T.MissionId; existing.RunId = ctx.T.RunId;
                if (existing.Name == null) existing.Name = target.Name;
                if (existing.VariablesJson == null && target.Variables.Count > 0) existing.SetVariables(target.Variables);
                _recordOf.TryGetValue(existing.EventId, out var record);
                var slot = _outSeq++;
                if (ctx.T.Slug != null && (record == null || record["logged"]?.Type != JTokenType.Boolean || !(bool)record["logged"]!)
                    && _sink.Recording(target.ToString(), $"Record the {_o.Noun} {existing.EventId} (already on the service) in the mission's memory and log it on run {ctx.T.RunId}"))
                    Start(slot, ct => AdoptAsync(existing, ctx, record == null, slot, ct));
                else Output(slot, existing);
                return;
            }

            var from = _o.From ?? ctx.DefaultFrom
                ?? throw new ClawdTalkException(ErrorIds.NoCallerNumber, ErrorCategory.InvalidArgument,
                    $"No number to place the {_o.Noun} to {target} from: give -From, or let Add-ClawdTalkAgent assign the mission a number.", target.Phone);
            if (!E164.TryNormalize(from, out var fromE164, out var problem, E164.Strictness.Possible))
                throw Errors.Invalid(ErrorIds.InvalidPhoneNumber, $"The caller number '{from}' is not usable: {problem}", from);

            // when (the planner: own time, start plus stagger, the window in the callee's zone)
            var planned = Planner().Next(target, _sink.Warning);

            var plan = new Plan
            {
                Target = target, Ctx = ctx, Assistant = info, From = fromE164, At = planned.At, Flexible = planned.Flexible, Zone = planned.ZoneId, Window = planned.Window,
                Text = text, RecipientType = _o.RecipientTypeFor(target),
            };
            var when = planned.Describe() + ClockNote(_events.Client.Connection.Clock);
            var action = _o.Channel == ScheduledEventChannel.Call
                ? $"Schedule a call at {when}{(stepId != null ? $" for step '{stepId}'" : "")} from {fromE164} with assistant {aid} (billable)"
                : $"Schedule a text of {text!.Length} characters at {when}{(stepId != null ? $" for step '{stepId}'" : "")} from {fromE164} with assistant {aid} (billable)";
            var asking = System.Diagnostics.Stopwatch.StartNew();
            var confirmed = _sink.Confirm(target.ToString(), action);
            plan.Asked = asking.Elapsed;
            plan.Shown = plan.At;
            if (!confirmed)
            {
                // declined: a later copy of the target may be asked again; under -WhatIf it is listed once, as the real run schedules it once
                if (!_whatIf) _seen.Remove(key);
                return;
            }
            plan.Index = _outSeq++;
            Start(plan.Index, ct => ScheduleAsync(plan, key, ct));
        }

        // ---- output in input order: each target that will be written has a slot; a slot is written when all before it are ----

        int _outSeq, _outNext;
        readonly SortedDictionary<int, ScheduledEvent?> _ready = new SortedDictionary<int, ScheduledEvent?>();

        /// <summary>On the pipeline thread: the event of slot <paramref name="index"/> (null: nothing to write), then every slot ready after it.</summary>
        void Output(int index, ScheduledEvent? ev)
        {
            _ready[index] = ev;
            while (_ready.TryGetValue(_outNext, out var next))
            {
                _ready.Remove(_outNext++);
                if (next != null) _sink.Write(next);
            }
            Progress();
        }

        void Start(int slot, Func<CancellationToken, Task> work)
        {
            var token = _ct;
            // the work takes the throttle for its requests (ScheduleAsync, Bookkeep), not for its writes: those of many
            // targets share one locked write of the state file, however many requests are in flight
            Interlocked.Increment(ref _inFlight);
            var task = Task.Run(async () =>
            {
                try { await work(token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { }
                catch (ClawdTalkException ex) { Interlocked.Increment(ref _failed); _sink.Post(() => { _sink.Error(ex); Output(slot, null); }); }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failed);
                    var wrapped = new ClawdTalkException(ErrorIds.ScheduleFailed, ErrorCategory.NotSpecified, $"Scheduling failed: {ex.Message}", null, ex);
                    _sink.Post(() => { _sink.Error(wrapped); Output(slot, null); });
                }
                finally { Interlocked.Decrement(ref _inFlight); }
            });
            lock (_tasks) _tasks.Add(task);
        }

        int _inFlight;

        void Progress() =>
            _sink.Progress.Update($"{_scheduled} scheduled, {_failed} failed, {_already} already scheduled, {Volatile.Read(ref _inFlight)} in flight");

        /// <summary>Waits for every request in flight (their results written as they come), on the caller's thread.</summary>
        public void Finish()
        {
            int count;
            lock (_tasks) count = _tasks.Count;
            if (count > 0)
                _sink.Call(async ct =>
                {
                    while (true)
                    {
                        Task[] pending;
                        lock (_tasks) pending = _tasks.Where(x => !x.IsCompleted).ToArray();
                        if (pending.Length == 0) break;
                        var all = Task.WhenAll(pending);
                        while (await Task.WhenAny(all, Task.Delay(250, ct)).ConfigureAwait(false) != all)
                        {
                            ct.ThrowIfCancellationRequested();
                            _sink.Post(Progress);
                        }
                    }
                    return true;
                });
        }

        /// <summary>What the invocation did, said once at its end.</summary>
        public void Summarize()
        {
            if (_already > 0) _sink.Warning($"{_already} target(s) already had a {_o.Noun} in this run; their existing events were passed on instead of scheduling again.");
            _sink.Verbose($"Register: {_scheduled} scheduled, {_already} already scheduled, {_duplicates} duplicate(s) and {_excluded} excluded skipped, {_failed} failed; {_ledger.Writes} state file write(s).");
        }

        /// <summary>A verbose line from any thread.</summary>
        void LogVerbose(string message) => _sink.Post(() => _sink.Verbose(message));
    }
}
