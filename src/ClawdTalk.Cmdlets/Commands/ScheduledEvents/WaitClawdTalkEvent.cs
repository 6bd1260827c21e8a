using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// Waits for scheduled calls and texts to finish and outputs each one as it does. One list request per assistant per
    /// check (never one per event), checks spaced by the published guidance, a throttled progress bar, -Timeout, Ctrl+C.
    /// With -RetryPolicy, calls that were not answered are scheduled again (billable: ShouldProcess), every attempt recorded.
    /// The watching and retrying are the scheduled-event engine's (ScheduledEvents/EventWatch): this cmdlet binds, reads
    /// the events it is given, and hands its streams and ShouldProcess to the engine (CmdletSink).
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

        CmdletSink _sink = null!;
        EventWatch _watch = null!;

        protected override void Begin()
        {
            if (Timeout.HasValue && Timeout.Value <= TimeSpan.Zero) throw Errors.Invalid(ErrorIds.InvalidTimeout, "-Timeout must be positive.", Timeout);
            if (PollInterval.HasValue && PollInterval.Value < TimeSpan.FromMilliseconds(10)) throw Errors.Invalid(ErrorIds.InvalidPollInterval, "-PollInterval must be at least 0.01 seconds.", PollInterval);
            if (RetryDelay.HasValue && RetryDelay.Value < SchedulePlanner.MinimumLead)
                throw Errors.Invalid(ErrorIds.InvalidRetryDelay, "-RetryDelay must be at least 60 seconds: the service takes calls scheduled a minute ahead or more.", RetryDelay);
            if (RetryDelay.HasValue && RetryPolicy == RetryPolicy.None && !MaxAttempts.HasValue)
                throw Errors.Invalid(ErrorIds.RetryDelayWithoutRetries, "-RetryDelay applies with -RetryPolicy or -MaxAttempts.", RetryDelay);
            if (UnreachableTimeout.HasValue && UnreachableTimeout.Value <= TimeSpan.Zero)
                throw Errors.Invalid(ErrorIds.InvalidUnreachableTimeout, "-UnreachableTimeout must be positive.", UnreachableTimeout);
            _sink = new CmdletSink(this, Force);
            _watch = new EventWatch(new WatchOptions
            {
                Timeout = Timeout, RetryPolicy = RetryPolicy, MaxAttempts = MaxAttempts, RetryDelay = RetryDelay, PollInterval = PollInterval,
                UnreachableTimeout = UnreachableTimeout, WhatIf = WhatIfInEffect,
            }, () => ScheduledEvents, () => Missions, Book.Store, _sink);
        }

        protected override void Process()
        {
            switch (ParameterSetName)
            {
                case ByInput:
                    foreach (var item in InputObject ?? Array.Empty<object>())
                        foreach (var ev in EventInput.Read(item, s => Book.FromSlug(s), e => LoadRunEvents(e))) Track(ev);
                    break;
                case ByEvent:
                    foreach (var id in EventId) Track(new ScheduledEvent { AssistantId = AssistantId, EventId = id, Status = ScheduledEventStatus.Unknown });
                    break;
                default:
                    var t = ParameterSetName == BySlug ? Book.FromSlug(Slug) : Book.FromIds(MissionId, RunId);
                    foreach (var ev in LoadRunEvents(t)) Track(ev);
                    break;
            }
        }

        void Track(ScheduledEvent ev) =>
            _watch.Track(ev, ev.PreviousAttempts.Select(a => Convert.ToString(PSObject.AsPSObject(a).Properties["outcome"]?.Value, CultureInfo.InvariantCulture)));

        /// <summary>The latest attempt of every target of a run: from the mission's memory, else from its linked assistants' events.</summary>
        IEnumerable<ScheduledEvent> LoadRunEvents(MissionTarget t) =>
            Run(ct => RunEventSource.ForRunAsync(Book.Store, Missions, ScheduledEvents, t, latestOnly: true, refresh: false, LogVerbose, ct));

        protected override void End()
        {
            if (_watch.Count == 0) return;
            var progress = new WaitProgress(this, 0x5745 /* "WE" */, _watch.Activity());
            _sink.Bar = progress;
            try { _watch.Watch(); } // on the base's pump
            finally
            {
                Drain();
                progress.Complete();
            }
            _watch.Summarize();
        }
    }
}
