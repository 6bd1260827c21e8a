namespace ClawdTalk.Commands.Base
{
    /// <summary>
    /// A progress bar for a wait: one activity, at most four updates a second, always completed. Every write is a new
    /// ProgressRecord, because hosts and the Progress stream keep the record objects they are given.
    /// </summary>
    internal sealed class WaitProgress : ClawdTalk.ScheduledEvents.IProgressLine
    {
        static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);
        readonly ClawdTalkCmdlet _cmdlet;
        readonly int _activityId;
        readonly string _activity;
        string _status = "Starting";
        DateTime _last = DateTime.MinValue;
        bool _shown, _done;

        public WaitProgress(ClawdTalkCmdlet cmdlet, int activityId, string activity)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = activity;
            _width = LineWidth(cmdlet);
        }

        readonly int _width;

        /// <summary>
        /// The room pwsh's one-line progress view has: the console's width (80 when it is not known, or not a console),
        /// at most $PSStyle.Progress.MaxWidth (120), less the two columns it keeps free.
        /// </summary>
        static int LineWidth(ClawdTalkCmdlet cmdlet)
        {
            var width = 80;
            try
            {
                var w = cmdlet.Host?.UI?.RawUI?.BufferSize.Width ?? 0;
                if (w >= 40) width = w;
            }
            catch (Exception) { } // no console (redirected, a job, the hosted engine): assume 80 columns
            return Math.Min(width, 120) - 2;
        }

        /// <summary>
        /// The first of <paramref name="variants"/> (longest first) that fits on the progress line beside the activity, the
        /// brackets and, with a time left, its `NNs`; the last one cut with … when none does.
        /// </summary>
        public string Fit(bool withSecondsLeft, params string[] variants) => Fit(_width, _activity, withSecondsLeft, variants);

        /// <summary><see cref="Fit(bool, string[])"/> on a progress line of <paramref name="lineWidth"/> columns.</summary>
        internal static string Fit(int lineWidth, string activity, bool withSecondsLeft, params string[] variants)
        {
            var room = lineWidth - activity.Length - 3 - (withSecondsLeft ? 6 : 0);
            foreach (var v in variants) if (v.Length <= room) return v;
            var last = variants[variants.Length - 1];
            return room > 1 && last.Length > room ? last.Substring(0, room - 1) + "…" : last;
        }

        /// <summary>A time to wait, as a countdown shows it: `45 s`, `4:05`, `2 h 05 min`.</summary>
        internal static string Countdown(TimeSpan t) => ClawdTalk.ScheduledEvents.ProgressLine.Countdown(t);

        /// <summary>Shows the status; skipped when the last update was under 250 ms ago (the first one always shows).</summary>
        public void Update(string status, int percent = -1, int secondsRemaining = -1, bool force = false)
        {
            if (_done) return;
            var now = DateTime.UtcNow;
            if (_shown && !force && now - _last < MinInterval) return;
            _status = status;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, status)
            {
                PercentComplete = Math.Max(-1, Math.Min(100, percent)),
                SecondsRemaining = secondsRemaining,
            });
            _shown = true;
            _last = now;
        }

        /// <summary>Completes the bar if it was shown. Safe while the pipeline is stopping.</summary>
        public void Complete()
        {
            if (_done || !_shown) return;
            _done = true;
            try { _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _status) { RecordType = ProgressRecordType.Completed, PercentComplete = 100 }); }
            catch (PipelineStoppedException) { }
            catch (InvalidOperationException) { }
        }

        internal static string Elapsed(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
    }
}
