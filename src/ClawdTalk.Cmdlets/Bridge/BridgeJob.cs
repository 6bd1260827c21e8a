using System.Collections.Concurrent;
using System.ComponentModel;
using ClawdTalk.Bridge;

namespace ClawdTalk
{
    /// <summary>
    /// A running bridge as a PowerShell job (like ThreadJob: a Job2 with its own job source adapter), so Get-Job,
    /// Receive-Job (log records as <see cref="BridgeLogRecord"/> objects), Wait-Job, Stop-Job and Remove-Job work.
    /// The bridge runs on the thread pool in this process; it holds the machine-wide lock for its key until it stops.
    /// </summary>
    public sealed class BridgeJob : Job2
    {
        readonly BridgeRunner _runner;
        readonly BridgeLock _lock;
        readonly IDisposable? _logFile;
        readonly object _gate = new object();
        readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        int _started, _released;

        internal BridgeJob(BridgeRunner runner, BridgeLock bridgeLock, IDisposable? logFile, string command, string name, PSCmdlet cmdlet)
            : base(command, name)
        {
            _runner = runner;
            _lock = bridgeLock;
            _logFile = logFile;
            PSJobTypeName = BridgeJobSourceAdapter.JobType;
            Output = new PSDataCollection<PSObject> { EnumeratorNeverBlocks = true };
            Error = new PSDataCollection<ErrorRecord> { EnumeratorNeverBlocks = true };
            Warning = new PSDataCollection<WarningRecord> { EnumeratorNeverBlocks = true };
            Verbose = new PSDataCollection<VerboseRecord> { EnumeratorNeverBlocks = true };
            Debug = new PSDataCollection<DebugRecord> { EnumeratorNeverBlocks = true };
            Information = new PSDataCollection<InformationRecord> { EnumeratorNeverBlocks = true };
            Progress = new PSDataCollection<ProgressRecord> { EnumeratorNeverBlocks = true };
            runner.Log.Add(new JobStreamsSink(this, runner.Options.MaxBufferedRecords, runner.Log.VerboseEnabled));

            // the job manager hands the job to our adapter, so Get-Job and friends find it by type
            var definition = new JobDefinition(typeof(BridgeJobSourceAdapter), command, name);
            var parameters = new Dictionary<string, object> { ["NewJob"] = this };
            cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
        }

        internal BridgeRunner Runner => _runner;

        /// <summary>The adapter that lists this job (Get-Job), set when the job manager hands the job to it.</summary>
        internal BridgeJobSourceAdapter? Adapter { get; set; }

        /// <summary>
        /// Hands this stopped job's unread records to the job that replaces it (Restart-ClawdTalkBridge) and takes it out
        /// of the job table, so Get-Job lists one job per bridge and Receive-Job on the new one loses nothing.
        /// </summary>
        internal void HandOverTo(BridgeJob successor)
        {
            Move(Output, successor.Output);
            Move(Error, successor.Error);
            Move(Warning, successor.Warning);
            Move(Verbose, successor.Verbose);
            Move(Debug, successor.Debug);
            Move(Information, successor.Information);
            Adapter?.Forget(this);
        }

        static void Move<T>(PSDataCollection<T> from, PSDataCollection<T> to)
        {
            foreach (var item in from.ReadAll()) to.Add(item);
        }

        /// <summary>The bridge's state, counters and last error (what Get-ClawdTalkBridge shows).</summary>
        public BridgeStatus Status
        {
            get
            {
                var s = _runner.Snapshot();
                s.Id = Id;
                s.InstanceId = InstanceId;
                s.LockFile = _lock.LockPath;
                return s;
            }
        }

        public override string StatusMessage => _runner.State.ToString();
        public override string Location => Environment.MachineName;

        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0 || Progress.Count > 0;

        public override void StartJob()
        {
            if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("The bridge job has already been started.");
            SetJobState(JobState.Running);
            _runner.Start().ContinueWith(_ => Finish(), TaskScheduler.Default);
        }

        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, this));
        }

        void Finish()
        {
            Release();
            var fatal = _runner.Fatal;
            try
            {
                if (fatal != null)
                {
                    try { Error.Add(fatal.ToErrorRecord()); } catch (InvalidOperationException) { }
                    SetJobState(JobState.Failed);
                }
                else SetJobState(JobState.Stopped);
            }
            catch (ObjectDisposedException) { }
            catch (InvalidOperationException) { }
            finally { _finished.Set(); }
        }

        void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _logFile?.Dispose(); // the status file's last write happens before another bridge can take the lock
            _lock.Dispose();
        }

        public override void StopJob()
        {
            if (_started == 0)
            {
                Release();
                SetJobState(JobState.Stopped);
                return;
            }
            if (_finished.IsSet) return;
            try { SetJobState(JobState.Stopping); } catch (InvalidOperationException) { }
            _runner.StopAsync().GetAwaiter().GetResult();
            _finished.Wait(TimeSpan.FromSeconds(10));
        }

        public override void StopJob(bool force, string reason) => StopJob();

        public override void StopJobAsync() => StopJobAsync(false, "");

        public override void StopJobAsync(bool force, string reason)
        {
            Task.Run(() =>
            {
                Exception? error = null;
                try { StopJob(); }
                catch (Exception ex) { error = ex; }
                OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, this));
            });
        }

        public override void SuspendJob() => throw new NotSupportedException("A bridge cannot be suspended; stop it with Stop-Job or Stop-ClawdTalkBridge.");
        public override void SuspendJob(bool force, string reason) => SuspendJob();
        public override void SuspendJobAsync() => SuspendJob();
        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
        public override void ResumeJob() => throw new NotSupportedException("A bridge cannot be suspended or resumed.");
        public override void ResumeJobAsync() => ResumeJob();
        public override void UnblockJob() => throw new NotSupportedException("A bridge never blocks for input.");
        public override void UnblockJobAsync() => UnblockJob();

        internal bool IsDisposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !IsDisposed)
            {
                IsDisposed = true;
                if (_started != 0 && !_finished.IsSet)
                {
                    try { _runner.StopAsync().Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
                }
                Release();
            }
            base.Dispose(disposing);
        }

        /// <summary>
        /// The job's streams: every record at Information or above as an object on Output (Receive-Job); warnings also on
        /// the Warning stream; with -Verbose every record as text on the Verbose stream; Debug records (bodies) on Debug.
        /// The buffers keep the newest records only, so a bridge nobody receives from cannot grow without limit.
        /// </summary>
        sealed class JobStreamsSink : IBridgeLogSink
        {
            readonly BridgeJob _job;
            readonly int _max;
            readonly bool _verbose;
            int _warnedDrop;

            public JobStreamsSink(BridgeJob job, int max, bool verbose)
            {
                _job = job;
                _max = Math.Max(100, max);
                _verbose = verbose;
            }

            public void Write(BridgeLogRecord r)
            {
                if (_job.IsDisposed) return;
                var text = $"[{r.Time:HH:mm:ss.fff}] {r.Event}: {r.Message}";
                if (r.Level >= BridgeLogLevel.Information) Add(_job.Output, PSObject.AsPSObject(r));
                if (r.Level == BridgeLogLevel.Warning) Add(_job.Warning, new WarningRecord(text));
                if (_verbose && r.Level >= BridgeLogLevel.Verbose) Add(_job.Verbose, new VerboseRecord(text));
                if (r.Level == BridgeLogLevel.Debug) Add(_job.Debug, new DebugRecord(text));
            }

            void Add<T>(PSDataCollection<T> collection, T item)
            {
                collection.Add(item);
                var dropped = false;
                while (collection.Count > _max)
                {
                    try { collection.RemoveAt(0); dropped = true; }
                    catch (ArgumentOutOfRangeException) { break; }
                }
                if (dropped && Interlocked.Exchange(ref _warnedDrop, 1) == 0)
                {
                    try { _job.Warning.Add(new WarningRecord($"The bridge job keeps only its newest {_max} records per stream; read them with Receive-Job, or start the bridge with -LogPath for a complete log.")); }
                    catch (InvalidOperationException) { }
                }
            }
        }
    }

    /// <summary>Lets the job manager find bridge jobs (Get-Job, Stop-Job, Remove-Job), as ThreadJob's adapter does.</summary>
    public sealed class BridgeJobSourceAdapter : JobSourceAdapter
    {
        internal const string JobType = "ClawdTalkBridge";
        readonly ConcurrentDictionary<Guid, Job2> _jobs = new ConcurrentDictionary<Guid, Job2>();

        public BridgeJobSourceAdapter()
        {
            Name = "ClawdTalkBridgeJobSourceAdapter";
        }

        public override Job2 NewJob(JobInvocationInfo specification)
        {
            if (specification?.Parameters.Count > 0 && specification.Parameters[0].FirstOrDefault(p => p.Name == "NewJob")?.Value is BridgeJob job)
            {
                _jobs.TryAdd(job.InstanceId, job);
                job.Adapter = this;
                return job;
            }
            throw new ArgumentException("Bridge jobs are created by Start-ClawdTalkBridge.", nameof(specification));
        }

        public override IList<Job2> GetJobs() => _jobs.Values.ToArray();

        public override IList<Job2> GetJobsByName(string name, bool recurse) =>
            _jobs.Values.Where(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray();

        public override IList<Job2> GetJobsByCommand(string command, bool recurse) =>
            _jobs.Values.Where(j => string.Equals(j.Command, command, StringComparison.OrdinalIgnoreCase)).ToArray();

        public override Job2 GetJobByInstanceId(Guid instanceId, bool recurse) => _jobs.TryGetValue(instanceId, out var j) ? j : null!;

        public override Job2 GetJobBySessionId(int id, bool recurse) => _jobs.Values.FirstOrDefault(j => j.Id == id)!;

        public override IList<Job2> GetJobsByState(JobState state, bool recurse) => _jobs.Values.Where(j => j.JobStateInfo.State == state).ToArray();

        public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => throw new PSNotSupportedException();

        public override void RemoveJob(Job2 job)
        {
            if (_jobs.TryRemove(job.InstanceId, out var removed)) removed.StopJob();
        }

        /// <summary>Takes a replaced job out of the table without touching it (it has stopped already).</summary>
        internal void Forget(BridgeJob job) => _jobs.TryRemove(job.InstanceId, out _);
    }
}

namespace ClawdTalk.Bridge
{
    /// <summary>The bridges started in one PowerShell session (runspace), for Get- and Stop-ClawdTalkBridge and tab completion.</summary>
    internal sealed class BridgeRegistry
    {
        readonly List<BridgeJob> _jobs = new List<BridgeJob>();
        int _watching;

        /// <summary>Bridges do not outlive their session: when the runspace closes, they stop and release their locks.</summary>
        public void StopWhenClosed(System.Management.Automation.Runspaces.Runspace? runspace)
        {
            if (runspace == null || Interlocked.Exchange(ref _watching, 1) != 0) return;
            runspace.StateChanged += (_, e) =>
            {
                var state = e.RunspaceStateInfo.State;
                if (state != System.Management.Automation.Runspaces.RunspaceState.Closing && state != System.Management.Automation.Runspaces.RunspaceState.Closed
                    && state != System.Management.Automation.Runspaces.RunspaceState.Broken) return;
                var running = All().Where(j => j.JobStateInfo.State == JobState.Running || j.JobStateInfo.State == JobState.Stopping).ToArray();
                if (running.Length == 0) return;
                Task.WaitAll(running.Select(j => Task.Run(() => j.StopJob())).ToArray(), TimeSpan.FromSeconds(10));
            };
        }

        public void Add(BridgeJob job)
        {
            lock (_jobs) _jobs.Add(job);
        }

        public void Remove(BridgeJob job)
        {
            lock (_jobs) _jobs.Remove(job);
        }

        public IReadOnlyList<BridgeJob> All()
        {
            lock (_jobs)
            {
                _jobs.RemoveAll(j => j.IsDisposed);
                return _jobs.ToArray();
            }
        }
    }
}
