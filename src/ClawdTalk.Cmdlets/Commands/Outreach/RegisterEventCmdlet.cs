using System;
using System.Collections.Generic;
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
using ClawdTalk.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.Phones;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Outreach
{
    /// <summary>
    /// What Register-ClawdTalkCall and Register-ClawdTalkSms share: targets from the pipeline, validated and normalised before
    /// anything is sent; times from -At, -Stagger and -TimeWindow in the callee's zone; do-not-call lists; duplicates and
    /// targets already scheduled in the run skipped; ShouldProcess per target; then up to -ThrottleLimit schedule requests in
    /// flight, each created exactly once, recorded in the mission's memory and logged on its run.
    /// </summary>
    public abstract partial class RegisterEventCmdlet : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Target")]
        [AllowEmptyCollection]
        public object[] To { get; set; } = Array.Empty<object>();

        // -Slug (BySlug) and -MissionId/-RunId (ById) are RunScopedCmdlet's, the one block

        /// <summary>Without a mission (texts only, like the published schedule-sms): -AssistantId and -From, no run.</summary>
        internal const string Standalone = "Standalone";

        [Parameter(ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = Standalone, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? AssistantId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? From { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(StepIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? StepId { get; set; }

        [Parameter]
        public DateTime? At { get; set; }

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan Stagger { get; set; } = TimeSpan.Zero;

        [Parameter]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = 4;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TimeWindow { get; set; }

        [Parameter]
        public DayOfWeek[]? Weekday { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        [ValidateNotNullOrEmpty]
        public string? TimeZone { get; set; }

        [Parameter]
        [Alias("DoNotCall")]
        public object[]? ExcludeList { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        internal abstract ScheduledEventChannel Channel { get; }
        internal string Noun => Channel == ScheduledEventChannel.Call ? "call" : "text";

        /// <summary>The text of an SMS for this target (checked), null for calls.</summary>
        internal virtual string? TextFor(OutreachTarget target) => null;
        internal virtual RecipientType? RecipientTypeFor(OutreachTarget target) => target.RecipientType;
        internal virtual void CheckBegin() { }

        readonly Dictionary<string, RunContext> _contexts = new Dictionary<string, RunContext>(StringComparer.Ordinal);
        readonly Dictionary<string, AssistantInfo> _assistants = new Dictionary<string, AssistantInfo>(StringComparer.Ordinal);
        readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        readonly List<Task> _tasks = new List<Task>();
        SemaphoreSlim _throttle = null!;
        ScheduledEventsApi _events = null!;
        MissionsApi _missionsApi = null!;
        OutreachLedger _ledger = null!;
        RecordIndex _index = null!;
        SchedulePlanner? _planner;
        DateTimeOffset? _at;
        TimeWindow? _window;
        TimeZoneInfo[]? _zones;

        /// <summary>The planner on the service's clock, made for the first target (after the service has answered once).</summary>
        SchedulePlanner Planner() => _planner ??= new SchedulePlanner(_events.Client.Connection.Clock, _at, Stagger, _window, _zones, WriteWarning);
        HashSet<string> _exclude = new HashSet<string>(StringComparer.Ordinal);
        int _duplicates, _excluded, _already, _scheduled, _failed;
        WaitProgress _progress = null!;
        bool _whatIf;

        protected override void Begin()
        {
            _whatIf = WhatIfInEffect;
            if (ParameterSetName == Standalone)
            {
                if (Channel == ScheduledEventChannel.Call)
                    throw Errors.Invalid("MissionRequired", "A scheduled call belongs to a mission run (the service needs its mission and run): give -Slug, or -MissionId and -RunId.", AssistantId);
                if (StepId != null)
                    throw Errors.Invalid("StepWithoutMission", "-StepId needs a mission run: give -Slug, or -MissionId and -RunId.", StepId);
                if (From == null)
                    throw Errors.Invalid("NoCallerNumber", "A text without a mission needs -From: the number to send it from (the account's dedicated number).", AssistantId);
            }
            if (TimeWindow == null && Weekday != null) throw Errors.Invalid("WeekdayWithoutTimeWindow", "-Weekday only applies with -TimeWindow.", Weekday);
            // bad times, windows and zones are refused here, before anything is sent; the planning itself waits for the first
            // target, when an answer of the service has told its clock (a sandbox's runs faster than this machine's)
            _at = At.HasValue ? Targets.ParseTime(At.Value, "-At") : (DateTimeOffset?)null;
            _window = TimeWindow != null ? global::ClawdTalk.ScheduledEvents.TimeWindow.Parse(TimeWindow, Weekday) : null;
            _zones = TimeZone != null ? new[] { Zones.Find(TimeZone, "-TimeZone") } : null;
            _ = new SchedulePlanner(System.TimeProvider.System, _at, Stagger, _window, _zones);
            if (ExcludeList != null) _exclude = Targets.ReadExcludeList(ExcludeList, SessionState.Path.CurrentFileSystemLocation.ProviderPath, WriteWarning);
            CheckBegin();
            _events = ScheduledEvents;
            _missionsApi = Missions;
            _ledger = new OutreachLedger(Store);
            _index = new RecordIndex(RecordKey);
            _throttle = new SemaphoreSlim(ThrottleLimit, ThrottleLimit);
            _progress = new WaitProgress(this, 0x5247 /* "RG" */, $"Scheduling {Noun}s");
        }

        internal static string Show(DateTimeOffset t) => SchedulePlanner.Show(t);

        /// <summary>` on the sandbox's clock (60× real time)` when the service's clock is not this machine's, else nothing.</summary>
        internal static string ClockNote(ServiceClock clock) =>
            clock.IsScaled ? FormattableString.Invariant($" on the sandbox's clock ({clock.Scale:0.##}× real time)") : "";

        protected override void Process()
        {
            RunContext ctx;
            try { ctx = Context(); }
            catch (ClawdTalkException)
            {
                // the mission cannot take events: every target of this record fails with the same reason
                Interlocked.Add(ref _failed, (To ?? Array.Empty<object>()).Length);
                throw;
            }
            foreach (var raw in To ?? Array.Empty<object>())
            {
                try { Accept(ctx, raw); }
                catch (ClawdTalkException ex)
                {
                    Interlocked.Increment(ref _failed);
                    WriteError(ex);
                }
            }
            Progress();
        }

        RunContext Context()
        {
            var key = ParameterSetName == BySlug ? "slug:" + Slug : ParameterSetName == Standalone ? "none" : $"ids:{MissionId}/{RunId}";
            if (_contexts.TryGetValue(key, out var ctx)) return ctx;
            if (ParameterSetName == Standalone)
            {
                // no mission: nothing to record or log, no run to compare with (the service takes texts without one)
                ctx = new RunContext { T = new MissionTarget(), NoMission = true };
                _contexts[key] = ctx;
                return ctx;
            }
            var t = Target();
            ctx = new RunContext { T = t };
            if (t.Slug != null)
            {
                var entry = Store.Require(t.Slug);
                ctx.DefaultAssistant = Json.Str(entry, StateKeys.AssistantId);
                ctx.DefaultFrom = Json.Str(entry, StateKeys.AgentPhone);
                ctx.StepIds = MissionStateStore.StepsOf(entry).Select(s => Json.Str(s, "step_id") ?? "").Where(s => s.Length > 0).ToArray();
                ctx.Active = (Json.Str(entry, StateKeys.Status) ?? "active") == "active";
                ctx.Records = EventRecords.Read(entry).Where(r => (Json.Str(r, "run_id") ?? t.RunId) == t.RunId).ToList();
                foreach (var r in ctx.Records)
                    if (Json.Str(r, "event_id") != null) Keep(ctx, OutreachLedger.FromRecord(r, t.Slug, t.MissionId, t.RunId), r);
            }
            if (!ctx.Active)
                throw new ClawdTalkException("MissionNotActive", ErrorCategory.InvalidOperation,
                    $"The mission '{t.Slug}' has ended; nothing was scheduled. Start a new run with Initialize-ClawdTalkMission.", t.Slug);
            if (StepId != null && ctx.StepIds.Length > 0 && !ctx.StepIds.Contains(StepId))
                throw new ClawdTalkException("StepNotInPlan", ErrorCategory.ObjectNotFound,
                    $"Run {t.RunId} has no step '{StepId}'. Its steps: {string.Join(", ", ctx.StepIds)}. Nothing was scheduled.", StepId);
            // the step is known from where the calls are placed: asked for, else the plan's (StepPlacement). The run itself is
            // read right before its first request (RunReopening): one ended as failed or cancelled takes nothing, one the
            // service ended as succeeded when its events were done is set running again first.
            ctx.StepId = StepId;
            if (StepId == null)
            {
                ctx.StepId = StepPlacement.For(Run(ct => _missionsApi.TryGetPlanAsync(t.MissionId, t.RunId, ct)), out var why);
                WriteVerbose(ctx.StepId != null
                    ? $"The {Noun}s of run {t.RunId} belong to step '{ctx.StepId}' ({why}); -StepId chooses another."
                    : $"The {Noun}s of run {t.RunId} belong to no step ({why}).");
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
                try { info.Listed = Run(ct => _events.ListAsync(id, ct)); }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound)
                {
                    info.Failure = new ClawdTalkException("AssistantNotFound", ErrorCategory.ObjectNotFound,
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
            $"{runId}|{(Channel == ScheduledEventChannel.Call ? "call" : "sms")}|{to}|{(StepId == null ? "*" : step ?? "")}" + (Channel == ScheduledEventChannel.Sms ? "|" + (text ?? "") : "");

        /// <summary>Before the first request of a run: the run (and the step) opened again if the service closed them (RunReopening), once.</summary>
        Task EnsureOpenAsync(RunContext ctx, CancellationToken ct)
        {
            lock (ctx)
                return ctx.Opening ??= RunReopening.BeforeSchedulingAsync(_missionsApi, Store, ctx.T, ctx.StepId,
                    $"the {Noun}s of {MyInvocation.MyCommand.Name}", LogVerbose, ct);
        }

        void Accept(RunContext ctx, object raw)
        {
            var target = Targets.Read(raw);
            if (_exclude.Contains(target.Phone))
            {
                _excluded++;
                WriteWarning($"Skipped {target}: it is on the exclude list.");
                return;
            }
            var text = TextFor(target);
            var stepId = ctx.StepId;
            var key = Key(ctx.T.RunId, target.Phone, stepId, text);
            var aid = target.AssistantId ?? AssistantId ?? ctx.DefaultAssistant
                ?? throw new ClawdTalkException("AssistantRequired", ErrorCategory.InvalidArgument,
                    $"No assistant to place the {Noun} to {target} with: give -AssistantId, or set up the mission's agent with Add-ClawdTalkAgent.", target.Phone);
            if (!_seen.Add(key))
            {
                _duplicates++;
                WriteWarning($"Skipped {target}: it came twice in the input; it is scheduled once.");
                return;
            }
            var info = AssistantFor(aid, ctx);
            if (info.Failure != null) throw new ClawdTalkException(info.Failure.ErrorId, info.Failure.Category, info.Failure.Message, target.Phone, info.Failure) { RecommendedAction = info.Failure.RecommendedAction };
            if (ctx.Existing.TryGetValue(key, out var existing))
            {
                _already++;
                WriteVerbose($"{target} already has the {Noun} {existing.EventId} in run {ctx.T.RunId} (attempt {existing.Attempt}); it is not scheduled again.");
                existing.Slug = ctx.T.Slug; existing.MissionId = ctx.T.MissionId; existing.RunId = ctx.T.RunId;
                if (existing.Name == null) existing.Name = target.Name;
                if (existing.VariablesJson == null && target.Variables.Count > 0) existing.SetVariables(target.Variables);
                _recordOf.TryGetValue(existing.EventId, out var record);
                var slot = _outSeq++;
                if (ctx.T.Slug != null && (record == null || record["logged"]?.Type != JTokenType.Boolean || !(bool)record["logged"]!)
                    && Recording(target.ToString(), $"Record the {Noun} {existing.EventId} (already on the service) in the mission's memory and log it on run {ctx.T.RunId}"))
                    Start(slot, ct => AdoptAsync(existing, ctx, record == null, slot, ct));
                else Output(slot, existing);
                return;
            }

            var from = From ?? ctx.DefaultFrom
                ?? throw new ClawdTalkException("NoCallerNumber", ErrorCategory.InvalidArgument,
                    $"No number to place the {Noun} to {target} from: give -From, or let Add-ClawdTalkAgent assign the mission a number.", target.Phone);
            if (!E164.TryNormalize(from, out var fromE164, out var problem, E164.Strictness.Possible))
                throw Errors.Invalid("InvalidPhoneNumber", $"The caller number '{from}' is not usable: {problem}", from);

            // when (the planner: own time, start plus stagger, the window in the callee's zone)
            var planned = Planner().Next(target, WriteWarning);

            var plan = new Plan
            {
                Target = target, Ctx = ctx, Assistant = info, From = fromE164, At = planned.At, Flexible = planned.Flexible, Zone = planned.ZoneId, Window = planned.Window,
                Text = text, RecipientType = RecipientTypeFor(target),
            };
            var when = planned.Describe() + ClockNote(_events.Client.Connection.Clock);
            var action = Channel == ScheduledEventChannel.Call
                ? $"Schedule a call at {when}{(stepId != null ? $" for step '{stepId}'" : "")} from {fromE164} with assistant {aid} (billable)"
                : $"Schedule a text of {text!.Length} characters at {when}{(stepId != null ? $" for step '{stepId}'" : "")} from {fromE164} with assistant {aid} (billable)";
            var asking = System.Diagnostics.Stopwatch.StartNew();
            var confirmed = Confirmed(Force, target.ToString(), action);
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
                if (next != null) WriteObject(next);
            }
            Progress();
        }

        void Start(int slot, Func<CancellationToken, Task> work)
        {
            var token = CancelToken;
            // the work takes the throttle for its requests (ScheduleAsync, Bookkeep), not for its writes: those of many
            // targets share one locked write of the state file, however many requests are in flight
            Interlocked.Increment(ref _inFlight);
            var task = Task.Run(async () =>
            {
                try { await work(token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { }
                catch (ClawdTalkException ex) { Interlocked.Increment(ref _failed); Post(() => { WriteError(ex); Output(slot, null); }); }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failed);
                    var wrapped = new ClawdTalkException("ScheduleFailed", ErrorCategory.NotSpecified, $"Scheduling failed: {ex.Message}", null, ex);
                    Post(() => { WriteError(wrapped); Output(slot, null); });
                }
                finally { Interlocked.Decrement(ref _inFlight); }
            });
            lock (_tasks) _tasks.Add(task);
        }

        int _inFlight;

        void Progress() =>
            _progress.Update($"{_scheduled} scheduled, {_failed} failed, {_already} already scheduled, {Volatile.Read(ref _inFlight)} in flight");

        protected override void End()
        {
            try
            {
                int count;
                lock (_tasks) count = _tasks.Count;
                if (count > 0)
                    Run(async ct =>
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
                                Post(Progress);
                            }
                        }
                    });
            }
            finally
            {
                _progress.Complete();
            }
            if (_already > 0) WriteWarning($"{_already} target(s) already had a {Noun} in this run; their existing events were passed on instead of scheduling again.");
            WriteVerbose($"Register: {_scheduled} scheduled, {_already} already scheduled, {_duplicates} duplicate(s) and {_excluded} excluded skipped, {_failed} failed; {_ledger.Writes} state file write(s).");
        }
    }
}
