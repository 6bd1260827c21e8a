using System.Collections.Concurrent;
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

        // ---- the service: the session's connection resolved on first use (a local-only cmdlet never touches it) ----

        ApiClient? _api;
        MissionsApi? _missions;
        AssistantsApi? _assistants;
        CommsApi? _comms;
        ApprovalsApi? _approvals;
        ScheduledEventsApi? _events;

        internal ApiClient Api => _api ??= Session.ClientFor(Config.ConnectionResolver.Resolve(Session));

        // The endpoint clients (Api/), over this cmdlet's connection with -Verbose logging; they take no cmdlet, so a
        // call runs on the pump: Run(ct => Missions.GetRunAsync(mid, rid, ct)).
        internal MissionsApi Missions => _missions ??= new MissionsApi(Api, LogVerbose);
        internal AssistantsApi Assistants => _assistants ??= new AssistantsApi(Api, LogVerbose);
        internal CommsApi Comms => _comms ??= new CommsApi(Api, LogVerbose);
        internal ApprovalsApi Approvals => _approvals ??= new ApprovalsApi(Api, LogVerbose);
        internal ScheduledEventsApi ScheduledEvents => _events ??= new ScheduledEventsApi(Api, LogVerbose);

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
        /// The module's one ShouldProcess rule for commands with -Force. ShouldProcess decides always: -WhatIf in any form
        /// (this command's, an outer command's, <c>$WhatIfPreference</c>) only describes, with or without -Force. -Force
        /// skips the confirmation that ConfirmImpact High asks for at the default <c>$ConfirmPreference</c> (High); a
        /// confirmation somebody asked for still comes: -Confirm on this command, an outer -Confirm (which lowers
        /// <c>$ConfirmPreference</c> to Low for everything it calls), a <c>$ConfirmPreference</c> of Medium or Low.
        /// In other words: with -Force a High-impact command counts as Medium.
        /// </summary>
        internal bool Confirmed(bool force, string target, string action)
        {
            if (!force || WhatIfInEffect || ConfirmThreshold != ConfirmImpact.None && ConfirmThreshold < ConfirmImpact.High)
                return ShouldProcess(target, action);
            // what ShouldProcess itself writes when it goes ahead without asking
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\".");
            return true;
        }

        /// <summary>
        /// Bookkeeping of something that already exists (an event found on the service that the mission's records lack):
        /// no confirmation is asked for it, but under -WhatIf in any form it is only described ("What if: …") and not done.
        /// </summary>
        internal bool Recording(string target, string action) => !WhatIfInEffect || ShouldProcess(target, action);

        /// <summary>
        /// True when this command only describes what it would do: its own -WhatIf when bound (-WhatIf:$false included),
        /// else <c>$WhatIfPreference</c> as the caller's scope sees it (an outer -WhatIf sets it there). The engine reads the
        /// same two things, in the same order, for ShouldProcess (MshCommandRuntime.WhatIf); every write that is not
        /// behind a ShouldProcess of its own (bookkeeping of events that already exist) checks this first.
        /// </summary>
        internal bool WhatIfInEffect
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)) return w is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(w);
                return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            }
        }

        /// <summary>
        /// The impact from which ShouldProcess asks, as the engine works it out (MshCommandRuntime.ConfirmPreference):
        /// -Confirm gives Low, -Confirm:$false None, -Debug Low (None with -Confirm:$false), else <c>$ConfirmPreference</c>
        /// of the caller's scope.
        /// </summary>
        internal ConfirmImpact ConfirmThreshold
        {
            get
            {
                var bound = MyInvocation.BoundParameters;
                var confirmSet = bound.TryGetValue("Confirm", out var c);
                var confirm = confirmSet && (c is SwitchParameter cs ? cs.IsPresent : LanguagePrimitives.IsTrue(c));
                if (confirm) return ConfirmImpact.Low;
                if (bound.TryGetValue("Debug", out var d) && (d is SwitchParameter ds ? ds.IsPresent : LanguagePrimitives.IsTrue(d)))
                    return confirmSet ? ConfirmImpact.None : ConfirmImpact.Low;
                if (confirmSet) return ConfirmImpact.None;
                var preference = SessionState.PSVariable.GetValue("ConfirmPreference");
                return preference != null && LanguagePrimitives.TryConvertTo(preference, out ConfirmImpact impact) ? impact : ConfirmImpact.High;
            }
        }

        public void Dispose()
        {
            _cts.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
