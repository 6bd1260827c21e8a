using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.Base
{
    /// <summary>A cmdlet's streams as the scheduled-event engine reports to them: posted to its pipeline thread (the engine runs on the pump).</summary>
    internal sealed class CmdletReport : IScheduleReport
    {
        readonly ClawdTalkCmdlet _c;
        public CmdletReport(ClawdTalkCmdlet cmdlet) { _c = cmdlet; }
        public void Verbose(string message) => _c.LogVerbose(message);
        public void Warning(string message) => _c.Post(() => _c.WriteWarning(message));
    }
}
