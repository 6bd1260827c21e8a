using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Boundary;
using ClawdTalk.Session;

namespace ClawdTalk.Commands.Base
{
    /// <summary>
    /// The base of every ClawdTalk cmdlet: a CancellationTokenSource cancelled by Ctrl+C (StopProcessing), the error
    /// boundary (ClawdTalkException → ErrorRecord with its stable ErrorId), and a queue through which work on other
    /// threads hands its Write* calls to the pipeline thread.
    /// </summary>
    public abstract class ClawdTalkCmdlet : PSCmdlet, IDisposable
    {
        readonly CancellationTokenSource _cts = new CancellationTokenSource();
        readonly ConcurrentQueue<Action> _writes = new ConcurrentQueue<Action>();
        ModuleSession? _session;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected internal CancellationToken CancelToken => _cts.Token;

        internal ModuleSession Session => _session ??= ModuleSession.Current;

        protected override void StopProcessing() => _cts.Cancel();

        // the text parameters are checked before the cmdlet's own code (Boundary/ParameterRules): in Begin those of the
        // command line (a bad one stops the command), in Process those of each pipeline object too (a bad row is one error)
        protected sealed override void BeginProcessing() => Guard(() => { ParameterRules.Check(this); Begin(); }, terminating: true);
        protected sealed override void ProcessRecord() => Guard(() => { ParameterRules.Check(this); Process(); }, terminating: false);
        protected sealed override void EndProcessing() => Guard(End, terminating: false);

        protected virtual void Begin() { }
        protected virtual void Process() { }
        protected virtual void End() { }

        void Guard(Action step, bool terminating)
        {
            _session ??= ModuleSession.Current;
            try
            {
                step();
                Drain();
            }
            catch (ClawdTalkException ex)
            {
                Drain();
                if (ex.Terminating || terminating) ThrowTerminatingError(ex.ToErrorRecord());
                WriteError(ex.ToErrorRecord());
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        // Every message a ClawdTalk cmdlet shows may carry outside text (a name from a state file, a service's answer):
        // these hide Cmdlet's own, so whatever a cmdlet writes reaches the host with its control characters made visible.
        internal new void WriteWarning(string? text) => base.WriteWarning(OutsideText.Visible(text ?? ""));
        internal new void WriteVerbose(string? text) => base.WriteVerbose(OutsideText.Visible(text ?? ""));
        internal new void WriteDebug(string? text) => base.WriteDebug(OutsideText.Visible(text ?? ""));
        internal new void WriteObject(object? value)
        {
            OutputText.MakeVisible(value);
            base.WriteObject(value);
        }

        internal new void WriteObject(object? value, bool enumerateCollection)
        {
            if (enumerateCollection && value is System.Collections.IEnumerable items && !(value is string) && !(value is System.Collections.IDictionary))
            {
                // a lazy sequence is enumerated once, here
                var list = value as System.Collections.ICollection ?? new System.Collections.ArrayList(items.Cast<object?>().ToArray());
                foreach (var item in list) OutputText.MakeVisible(item);
                base.WriteObject(list, true);
                return;
            }
            OutputText.MakeVisible(value);
            base.WriteObject(value, enumerateCollection);
        }

        internal new void WriteProgress(ProgressRecord record)
        {
            if (!string.IsNullOrEmpty(record.StatusDescription)) record.StatusDescription = OutsideText.Visible(record.StatusDescription);
            if (record.CurrentOperation != null) record.CurrentOperation = OutsideText.Visible(record.CurrentOperation);
            base.WriteProgress(record);
        }

        /// <summary>Reports a failure for one item and goes on with the next.</summary>
        internal void WriteError(ClawdTalkException ex) => WriteError(ex.ToErrorRecord());

        /// <summary>Queues a Write* call from any thread; it runs on the pipeline thread at the next drain.</summary>
        internal void Post(Action write) => _writes.Enqueue(write);

        /// <summary>A verbose line from any thread (API log lines come through here).</summary>
        internal void LogVerbose(string message) => Post(() => WriteVerbose(message));

        protected void Drain()
        {
            while (_writes.TryDequeue(out var write)) write();
        }

        /// <summary>
        /// Runs asynchronous work off the pipeline thread and waits for it here, writing what it queued as it goes,
        /// so Ctrl+C cancels at once and progress/verbose records appear while the work runs.
        /// When a write on the pipeline thread stops the pipeline (-ErrorAction Stop, Ctrl+C), the work is cancelled too.
        /// </summary>
        internal T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
            var task = Task.Run(() => work(stop.Token));
            try
            {
                var tasks = new Task[] { task };
                while (Task.WaitAny(tasks, 50) < 0) Drain();
                Drain();
                return task.GetAwaiter().GetResult();
            }
            finally { stop.Cancel(); }
        }

        internal void Run(Func<CancellationToken, Task> work) => Run(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>Sleeps on the pipeline thread, waking at once on Ctrl+C.</summary>
        internal void Sleep(TimeSpan delay)
        {
            if (delay <= TimeSpan.Zero) return;
            if (CancelToken.WaitHandle.WaitOne(delay)) throw new OperationCanceledException(CancelToken);
        }

        /// <summary>
        /// ShouldProcess with -Force: -WhatIf still only describes; -Force skips the confirmation that ConfirmImpact
        /// High would otherwise ask for.
        /// </summary>
        internal bool Confirmed(bool force, string target, string action)
        {
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent;
            if (force && !whatIf) return true;
            return ShouldProcess(target, action);
        }

        public void Dispose()
        {
            _cts.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
