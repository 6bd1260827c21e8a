using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.Base
{
    /// <summary>A cmdlet's streams, ShouldProcess and pump as the scheduled-event engine sees them (<see cref="IScheduleSink"/>).</summary>
    internal sealed class CmdletSink : IScheduleSink
    {
        readonly ClawdTalkCmdlet _c;
        readonly bool _force;

        public CmdletSink(ClawdTalkCmdlet cmdlet, bool force, WaitProgress? progress = null) { _c = cmdlet; _force = force; Bar = progress; }

        /// <summary>The cmdlet's progress bar (made once the cmdlet knows what it shows).</summary>
        public WaitProgress? Bar { get; set; }

        public void Verbose(string message) => _c.WriteVerbose(message);
        public void Warning(string message) => _c.WriteWarning(message);
        public void Error(ClawdTalkException error) => _c.WriteError(error);
        public void Write(ScheduledEvent ev) => _c.WriteObject(ev);
        public IProgressLine Progress => Bar ?? throw new System.InvalidOperationException("The progress bar is made before the engine reports progress.");
        public bool Confirm(string target, string action) => _c.Confirmed(_force, target, action);
        public bool Recording(string target, string action) => _c.Recording(target, action);
        public T Call<T>(Func<CancellationToken, Task<T>> work) => _c.Run(work);
        public void Post(Action onCallerThread) => _c.Post(onCallerThread);
    }
}
