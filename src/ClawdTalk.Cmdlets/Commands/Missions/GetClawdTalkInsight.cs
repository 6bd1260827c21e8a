using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Commands.Calls;
using ClawdTalk.Completers;
using ClawdTalk.Missions;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// A conversation's insights, waiting until the service has completed them (`GET
    /// /missions/conversations/{id}/insights`, polled), with -Timeout, throttled progress and Ctrl+C. Many conversations
    /// from the pipeline are polled together (at most <see cref="Concurrency"/> requests at once), each written as it
    /// completes; the interval is service time (divided by the sandbox's time scale); an unreachable service warns at
    /// once and ends the wait after the grace period (ServiceOutage).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkInsight")]
    [OutputType(typeof(ConversationInsight))]
    public sealed class GetClawdTalkInsightCommand : MissionCmdlet
    {
        // A call that was not answered has no conversation: piped in, it is passed over (checked in Process).
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string ConversationId { get; set; } = "";

        /// <summary>Carried through from the pipeline (a scheduled event's step), so Complete-ClawdTalkMission knows which step the insight belongs to.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? StepId { get; set; }

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

        [Parameter]
        public SwitchParameter NoWait { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string? Slug { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? MissionId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? RunId { get; set; }

        /// <summary>Conversations polled at once; the others wait for a free slot.</summary>
        internal const int Concurrency = 8;

        readonly List<Task> _polls = new List<Task>();
        readonly SemaphoreSlim _slots = new SemaphoreSlim(Concurrency, Concurrency);
        ServiceOutage? _outage;
        WaitProgress? _progress;
        int _started, _finished;
        ClawdTalkException? _fatal;

        /// <summary>What one input asks for (copied off the parameters, which the next input overwrites).</summary>
        sealed class Ask
        {
            public string ConversationId = "";
            public string? Slug, MissionId, RunId, StepId;
            public Stopwatch Watch = null!;
            public int Reads;
        }

        protected override void Process()
        {
            if (string.IsNullOrEmpty(ConversationId))
            {
                if (!MyInvocation.ExpectingInput)
                    throw Errors.Invalid("InvalidConversationId", "-ConversationId must not be empty.", ConversationId);
                WriteVerbose("An input object has no conversation (a call that was not answered, or not yet over): it has no insights.");
                return;
            }
            if (Timeout < TimeSpan.Zero) throw Errors.Invalid("InvalidTimeout", "-Timeout must not be negative.", Timeout);
            if (PollInterval < TimeSpan.FromMilliseconds(100)) throw Errors.Invalid("InvalidPollInterval", "-PollInterval must be at least 0.1 seconds.", PollInterval);
            ThrowIfFatal();
            var ask = new Ask { ConversationId = ConversationId, Slug = Slug, MissionId = MissionId, RunId = RunId, StepId = StepId, Watch = Stopwatch.StartNew() };
            var api = Api;
            _outage ??= new ServiceOutage(ServiceOutage.GraceFrom(null), "conversation insights", w => Post(() => WriteWarning(w)), LogVerbose);
            _progress ??= new WaitProgress(this, 0x4947 /* "IG" */, "Waiting for conversation insights");
            _started++;

            // the first read here: an insight that is ready streams on at once, as before
            List<JObject>? first = null;
            try { first = Run(ct => ReadAsync(api, ask, ct)); }
            catch (ClawdTalkException ex) when (ServiceOutage.IsOutage(ex) && !NoWait) { _outage.Failed(ex); }
            if (first != null) { Output(ask, first); return; }
            // not ready: polled in the background with the others (at most Concurrency at once); results come out as they complete
            var outage = _outage;
            _polls.Add(Task.Run(() => PollAsync(api, ask, outage, CancelToken)));
            ShowProgress();
        }

        protected override void End()
        {
            try
            {
                while (true)
                {
                    Task[] open;
                    lock (_polls) open = _polls.Where(t => !t.IsCompleted).ToArray();
                    if (open.Length == 0) break;
                    Task.WaitAny(open, 50);
                    Drain();
                    ShowProgress();
                    if (CancelToken.IsCancellationRequested) throw new OperationCanceledException(CancelToken);
                }
                Drain();
                ThrowIfFatal();
            }
            finally { _progress?.Complete(); }
        }

        void ShowProgress() =>
            _progress?.Update($"{_finished} of {_started} conversation(s) done" + (_outage?.IsDown == true ? "; the service is unreachable" : ""),
                (int)(100.0 * _finished / Math.Max(1, _started)));

        void ThrowIfFatal()
        {
            var fatal = Interlocked.Exchange(ref _fatal, null);
            if (fatal != null) throw fatal;
        }

        /// <summary>One read: the completed insights (or, with -NoWait, whatever there is); null when not completed yet.</summary>
        async Task<List<JObject>?> ReadAsync(ApiClient api, Ask ask, CancellationToken ct)
        {
            ask.Reads++;
            var token = await new MissionsApi(api, LogVerbose).InsightsAsync(ask.ConversationId, ct).ConfigureAwait(false);
            _outage?.Answered();
            var items = Json.UnwrapList(token, "insights", "conversations");
            var completed = items.Where(i => string.Equals(Json.Str(i, "status"), "completed", StringComparison.OrdinalIgnoreCase)).ToList();
            if (completed.Count > 0) return completed;
            if (NoWait) return items.ToList();
            if (ask.Watch.Elapsed >= Timeout)
                throw new ClawdTalkException("InsightTimeout", ErrorCategory.OperationTimeout,
                    $"The insights of conversation {ask.ConversationId} were not completed within {Timeout.TotalSeconds:0.#} s ({ask.Reads} reads; last status: {Json.Str(items.FirstOrDefault(), "status") ?? "none"}).", ask.ConversationId)
                { RecommendedAction = "Run Get-ClawdTalkInsight again later, or with a longer -Timeout." };
            return null;
        }

        /// <summary>Polls one conversation until its insights are completed; -PollInterval is service time (the sandbox's clock).</summary>
        async Task PollAsync(ApiClient api, Ask ask, ServiceOutage outage, CancellationToken ct)
        {
            try
            {
                while (true)
                {
                    var left = Timeout - ask.Watch.Elapsed;
                    var wait = outage.Next(api.Connection.Real(PollInterval));
                    await Task.Delay(wait < left ? wait : left < TimeSpan.Zero ? TimeSpan.Zero : left, ct).ConfigureAwait(false);
                    await _slots.WaitAsync(ct).ConfigureAwait(false);
                    List<JObject>? done;
                    try { done = await ReadAsync(api, ask, ct).ConfigureAwait(false); }
                    catch (ClawdTalkException ex) when (ServiceOutage.IsOutage(ex) && ask.Watch.Elapsed < Timeout)
                    {
                        outage.Failed(ex); // a warning at once; a terminating error once the grace period has passed
                        continue;
                    }
                    finally { _slots.Release(); }
                    if (done == null) continue;
                    Post(() => Output(ask, done));
                    return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (ClawdTalkException ex) when (ex.Terminating) { Interlocked.CompareExchange(ref _fatal, ex, null); }
            catch (ClawdTalkException ex) { Post(() => { _finished++; WriteError(ex); }); }
        }

        void Output(Ask ask, List<JObject> done)
        {
            _finished++;
            foreach (var o in done)
            {
                var insight = ConversationInsight.From(o, ask.ConversationId);
                insight.Slug = ask.Slug;
                insight.MissionId = ask.MissionId;
                insight.RunId = ask.RunId;
                insight.StepId = string.IsNullOrEmpty(ask.StepId) ? null : ask.StepId;
                WriteObject(insight);
            }
        }
    }
}
