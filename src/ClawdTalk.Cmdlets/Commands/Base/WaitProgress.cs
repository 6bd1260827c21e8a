using System;
using System.Management.Automation;

namespace ClawdTalk.Commands.Base
{
    /// <summary>
    /// A progress bar for a wait: one activity, at most four updates a second, always completed. Every write is a new
    /// ProgressRecord, because hosts and the Progress stream keep the record objects they are given.
    /// </summary>
    internal sealed class WaitProgress
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
        }

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
