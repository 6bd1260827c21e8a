using System.Diagnostics;
using ClawdTalk.Commands.Calls;
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
        [ArgumentCompleter(typeof(ConversationIdCompleter))]
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
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string? MissionId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string? RunId { get; set; }

        /// <summary>Conversations polled at once; the others wait for a free slot.</summary>
        internal const int Concurrency = InsightFetcher.Concurrency;

        readonly List<Task> _polls = new List<Task>();
        InsightFetcher? _poller;
        WaitProgress? _progress;
        int _started, _finished;
        ClawdTalkException? _fatal;

        protected override void Process()
        {
            if (string.IsNullOrEmpty(ConversationId))
            {
                if (!MyInvocation.ExpectingInput)
                    throw Errors.Invalid(ErrorIds.InvalidConversationId, "-ConversationId must not be empty.", ConversationId);
                WriteVerbose("An input object has no conversation (a call that was not answered, or not yet over): it has no insights.");
                return;
            }
            if (Timeout < TimeSpan.Zero) throw Errors.Invalid(ErrorIds.InvalidTimeout, "-Timeout must not be negative.", Timeout);
            if (PollInterval < TimeSpan.FromMilliseconds(100)) throw Errors.Invalid(ErrorIds.InvalidPollInterval, "-PollInterval must be at least 0.1 seconds.", PollInterval);
            ThrowIfFatal();
            // what this input asks for, copied off the parameters (which the next input overwrites)
            var ask = new InsightAsk { ConversationId = ConversationId, Slug = Slug, MissionId = MissionId, RunId = RunId, StepId = StepId };
            var poller = _poller ??= new InsightFetcher(Missions, Api.Connection, Timeout, PollInterval, NoWait,
                new ServiceOutage(ServiceOutage.GraceFrom(null), "conversation insights", w => Post(() => WriteWarning(w)), LogVerbose));
            _progress ??= new WaitProgress(this, 0x4947 /* "IG" */, "Waiting for conversation insights");
            _started++;

            // the first read here: an insight that is ready streams on at once, as before
            List<JObject>? first = null;
            try { first = Run(ct => poller.ReadAsync(ask, ct)); }
            catch (ClawdTalkException ex) when (ServiceOutage.IsOutage(ex) && !NoWait) { poller.Outage.Failed(ex); }
            if (first != null) { Output(ask, first); return; }
            // not ready: polled in the background with the others (at most Concurrency at once); results come out as they complete
            _polls.Add(Task.Run(() => PollAsync(poller, ask, CancelToken)));
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
            _progress?.Update($"{_finished} of {_started} conversation(s) done" + (_poller?.Outage.IsDown == true ? "; the service is unreachable" : ""),
                (int)(100.0 * _finished / Math.Max(1, _started)));

        void ThrowIfFatal()
        {
            var fatal = Interlocked.Exchange(ref _fatal, null);
            if (fatal != null) throw fatal;
        }

        /// <summary>Polls one conversation in the background; its insights or its error are written on the pipeline thread.</summary>
        async Task PollAsync(InsightFetcher poller, InsightAsk ask, CancellationToken ct)
        {
            try
            {
                var done = await poller.PollAsync(ask, ct).ConfigureAwait(false);
                Post(() => Output(ask, done));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (ClawdTalkException ex) when (ex.Terminating) { Interlocked.CompareExchange(ref _fatal, ex, null); }
            catch (ClawdTalkException ex) { Post(() => { _finished++; WriteError(ex); }); }
        }

        void Output(InsightAsk ask, List<JObject> done)
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
