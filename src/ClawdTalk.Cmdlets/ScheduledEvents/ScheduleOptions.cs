namespace ClawdTalk.ScheduledEvents
{
    /// <summary>What <see cref="FirstSends"/> is asked to do: the bound parameters of Register-ClawdTalkCall/-Sms, as plain values.</summary>
    internal sealed class ScheduleOptions
    {
        public ScheduledEventChannel Channel;
        /// <summary>A text without a mission (-AssistantId and -From only): no run to record or log it on.</summary>
        public bool Standalone;
        public string? AssistantId, From, StepId, TimeWindow, TimeZone;
        public DateTime? At;
        public TimeSpan Stagger = TimeSpan.Zero;
        public int ThrottleLimit = 4;
        public DayOfWeek[]? Weekday;
        /// <summary>Do-not-call entries (numbers, objects, or files read relative to <see cref="WorkingDirectory"/>).</summary>
        public object[]? ExcludeList;
        public string WorkingDirectory = "";
        /// <summary>The invocation only describes (-WhatIf in any form): a declined target is listed once, as the real run schedules it once.</summary>
        public bool WhatIf;
        /// <summary>The command's name, for the run events that name who scheduled.</summary>
        public string CommandName = "";
        /// <summary>The text of an SMS for a target (checked), null for calls.</summary>
        public Func<EventTarget, string?> TextFor = _ => null;
        public Func<EventTarget, RecipientType?> RecipientTypeFor = t => t.RecipientType;
        /// <summary>A check of the command's own parameters, after the options' and before anything is read or sent.</summary>
        public Action? CheckBegin;

        public string Noun => Channel == ScheduledEventChannel.Call ? "call" : "text";
    }

    /// <summary>What <see cref="EventWatch"/> is asked to do: the bound parameters of Wait-ClawdTalkEvent, as plain values.</summary>
    internal sealed class WatchOptions
    {
        public TimeSpan? Timeout, RetryDelay, PollInterval, UnreachableTimeout;
        public RetryPolicy RetryPolicy = RetryPolicy.None;
        public int? MaxAttempts;
        /// <summary>The invocation only describes (-WhatIf in any form): outcomes are not recorded or logged.</summary>
        public bool WhatIf;
    }

    /// <summary>A progress line the engine updates (a cmdlet's progress bar, Commands/Base/WaitProgress).</summary>
    internal interface IProgressLine
    {
        /// <summary>Shows the status (at most four times a second unless forced).</summary>
        void Update(string status, int percent = -1, int secondsRemaining = -1, bool force = false);
        /// <summary>The first of <paramref name="variants"/> (longest first) that fits on the line.</summary>
        string Fit(bool withSecondsLeft, params string[] variants);
    }

    internal static class ProgressLine
    {
        /// <summary>A time to wait, as a countdown shows it: `45 s`, `4:05`, `2 h 05 min`.</summary>
        public static string Countdown(TimeSpan t)
        {
            var s = (long)Math.Ceiling(Math.Max(0, t.TotalSeconds));
            if (s < 60) return $"{s} s";
            if (s < 3600) return $"{s / 60}:{s % 60:00}";
            return $"{s / 3600} h {s % 3600 / 60:00} min";
        }
    }

    /// <summary>
    /// Where the scheduled-event engine (<see cref="FirstSends"/>) writes and whom it asks. All but <see cref="Post"/> are
    /// called on the caller's thread (a cmdlet's pipeline thread); work on other threads hands them over with Post. A cmdlet
    /// passes its streams and its ShouldProcess (Commands/Base/CmdletSink); a test keeps lists and answers itself.
    /// </summary>
    internal interface IScheduleSink
    {
        void Verbose(string message);
        void Warning(string message);
        /// <summary>A failure of one target; the others go on.</summary>
        void Error(ClawdTalkException error);
        void Write(ScheduledEvent ev);
        /// <summary>The progress line (on the caller's thread).</summary>
        IProgressLine Progress { get; }
        /// <summary>Whether to schedule (billable): the module's ShouldProcess rule with -Force.</summary>
        bool Confirm(string target, string action);
        /// <summary>Whether to record what already exists: no question asked, but -WhatIf only describes.</summary>
        bool Recording(string target, string action);
        /// <summary>Runs asynchronous work and waits for it on the caller's thread, running what was posted meanwhile.</summary>
        T Call<T>(Func<CancellationToken, Task<T>> work);
        /// <summary>From any thread: runs <paramref name="onCallerThread"/> on the caller's thread at its next chance.</summary>
        void Post(Action onCallerThread);
    }

    /// <summary>A sink as <see cref="RetryScheduler"/> reports to it: from any thread, so posted to the caller's thread.</summary>
    internal sealed class PostedReport : IScheduleReport
    {
        readonly IScheduleSink _sink;
        public PostedReport(IScheduleSink sink) { _sink = sink; }
        public void Verbose(string message) => _sink.Post(() => _sink.Verbose(message));
        public void Warning(string message) => _sink.Post(() => _sink.Warning(message));
    }
}
