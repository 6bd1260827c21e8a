using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// What Register-ClawdTalkCall and Register-ClawdTalkSms share: their parameters, bound and handed to the scheduled-event
    /// engine's first sends (ScheduledEvents/FirstSends), which validates the targets before anything is sent, plans their
    /// times, asks this cmdlet's ShouldProcess per target (CmdletSink), and creates each exactly once, recorded and logged.
    /// </summary>
    public abstract class RegisterEventCmdlet : ClawdTalkCmdlet
    {
        internal const string ById = MissionCmdlet.ById, BySlug = MissionCmdlet.BySlug;
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Target")]
        [AllowEmptyCollection]
        public object[] To { get; set; } = Array.Empty<object>();

        // -Slug (BySlug) and -MissionId/-RunId (ById): RunScopedCmdlet's block, declared here too (a cmdlet has at most one
        // base of ours below ClawdTalkCmdlet, and this one adds a third set, Standalone)
        [Parameter(Mandatory = true, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = "";

        MissionBookkeeping? _book;
        MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);
        MissionTarget Target() => ParameterSetName == BySlug ? Book.FromSlug(Slug) : Book.FromIds(MissionId, RunId);

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

        /// <summary>The text of an SMS for this target (checked), null for calls.</summary>
        internal virtual string? TextFor(EventTarget target) => null;
        internal virtual RecipientType? RecipientTypeFor(EventTarget target) => target.RecipientType;
        internal virtual void CheckBegin() { }

        FirstSends _engine = null!;
        WaitProgress _progress = null!;

        protected override void Begin()
        {
            var options = new ScheduleOptions
            {
                Channel = Channel, Standalone = ParameterSetName == Standalone, AssistantId = AssistantId, From = From, StepId = StepId,
                At = At, Stagger = Stagger, ThrottleLimit = ThrottleLimit, TimeWindow = TimeWindow, Weekday = Weekday, TimeZone = TimeZone,
                ExcludeList = ExcludeList, WorkingDirectory = ExcludeList != null ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : "", // only an exclude list reads files
                WhatIf = WhatIfInEffect, CommandName = MyInvocation.MyCommand.Name, TextFor = TextFor, RecipientTypeFor = RecipientTypeFor, CheckBegin = CheckBegin,
            };
            var progress = new WaitProgress(this, 0x5247 /* "RG" */, $"Scheduling {options.Noun}s");
            _engine = new FirstSends(options, () => ScheduledEvents, () => Missions, Book.Store, new CmdletSink(this, Force, progress), CancelToken);
            _progress = progress;
        }

        protected override void Process()
        {
            var key = ParameterSetName == BySlug ? "slug:" + Slug : ParameterSetName == Standalone ? "none" : $"ids:{MissionId}/{RunId}";
            _engine.Process(key, Target, To);
        }

        protected override void End()
        {
            try { _engine.Finish(); }
            finally { _progress.Complete(); }
            _engine.Summarize();
        }
    }
}
