namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The long-running voice and SMS bridge, put together from its parts: the <see cref="ServiceConnection"/> (socket,
    /// auth, keep-alive, backoff, duplicate detection), the <see cref="FrameRouter"/>, one handler per kind of work
    /// (<see cref="CallHandler"/>, <see cref="WalkieHandler"/>, <see cref="SmsHandler"/>, <see cref="CallOutcomeHandler"/>),
    /// the one <see cref="SensitiveRequestPolicy"/> and the one <see cref="AgentGateway"/>. This class starts, stops and
    /// reports on them.
    /// </summary>
    internal sealed class BridgeRunner
    {
        readonly BridgeCore _core;
        readonly ServiceConnection _connection;
        readonly CallHandler _calls;
        readonly AgentGateway _agent;
        Task? _run;
        volatile bool _stopping;

        public BridgeRunner(BridgeOptions options, ApiClient api, BridgeLogger log)
        {
            _core = new BridgeCore(options, api, log);
            var agent = new AgentGateway(_core);
            var policy = new SensitiveRequestPolicy(_core, new SensitiveActions(options.ApprovalWordsAdd, options.ApprovalWordsRemove, options.ApprovalMode));
            _agent = agent;
            _calls = new CallHandler(_core, agent, policy);
            var router = new FrameRouter(_core, _calls, new WalkieHandler(_core, agent, policy), new SmsHandler(_core, agent, policy), new CallOutcomeHandler(_core, agent));
            _connection = new ServiceConnection(_core, router, _calls.SweepStale);
            StartedAt = DateTimeOffset.UtcNow;
        }

        public BridgeLogger Log => _core.Log;
        public ApiClient Api => _core.Api;
        public BridgeOptions Options => _core.Options;
        public DateTimeOffset StartedAt { get; }
        /// <summary>Why the bridge stopped on its own (auth_error, duplicate client); null when it was stopped or still runs.</summary>
        public ClawdTalkException? Fatal => _connection.Fatal;
        public event Action<BridgeState>? StateChanged
        {
            add => _core.Health.StateChanged += value;
            remove => _core.Health.StateChanged -= value;
        }
        public BridgeState State => _core.Health.State;
        public Task Completion => _run ?? Task.CompletedTask;

        internal (TimeSpan delay, TimeSpan nominal) Backoff(int attempt) => _connection.Backoff(attempt);

        /// <summary>Probes the agent gateway before the bridge connects (nothing reaches the agent); the failure, if any.</summary>
        public Task<GatewayException?> ProbeGatewayAsync(System.Threading.CancellationToken ct) => _agent.ProbeAsync(ct);

        public Task Start()
        {
            if (_run != null) return _run;
            var o = _core.Options;
            Log.Write(BridgeLogLevel.Information, "starting",
                $"Bridge '{o.Name}' starting: service {o.WebSocketUri}, gateway {o.GatewayUrl} ({o.GatewayUrlSource}), session {o.SessionKey}, token from {o.GatewayTokenSource}.");
            foreach (var (level, evt, text) in SenderPolicyLines(o, _core.OwnerNumbers)) Log.Write(level, evt, text);
            _run = Task.Run(RunAsync);
            return _run;
        }

        /// <summary>What the bridge says at start about who reaches the agent by text (Start-ClawdTalkBridge repeats the warnings).</summary>
        public static IEnumerable<(BridgeLogLevel level, string evt, string text)> SenderPolicyLines(BridgeOptions o, string[] owners)
        {
            if (o.AllowAnySender)
                yield return (BridgeLogLevel.Warning, "any_sender", "Texts from every number reach the agent (-AllowAnySender): a stranger's text reaches it marked as a stranger's, " +
                    "and only the owner's approval lets a sensitive request of theirs through." + (owners.Length == 0 ? " No owner number is known, so every sender is a stranger." : ""));
            else if (owners.Length == 0)
                yield return (BridgeLogLevel.Warning, "no_owner_number", "No owner number is known, so texts reach nobody: they are logged and listed in Get-ClawdTalkBridge's IgnoredSenders. " +
                    "Set the owner's numbers with Set-ClawdTalkConfiguration -OwnerNumber (or Start-ClawdTalkBridge -OwnerNumber). Callers are all treated as strangers.");
            else
                yield return (BridgeLogLevel.Information, "owner_numbers", $"Texts reach the agent only from the owner's numbers ({string.Join(", ", owners)}); " +
                    "other senders are logged and listed in Get-ClawdTalkBridge's IgnoredSenders, not routed. Callers from other numbers are treated as strangers.");
        }

        async Task RunAsync()
        {
            try
            {
                await _connection.RunAsync().ConfigureAwait(false);
            }
            finally
            {
                _core.Stop();
                var pending = _core.Pending;
                if (pending.Length > 0) await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                _core.Health.SetState(BridgeState.Stopped);
                if (Fatal == null) Log.Write(BridgeLogLevel.Information, "stopped", "Bridge stopped.");
            }
        }

        /// <summary>
        /// Stops: requests already being worked on get <see cref="BridgeOptions.StopGrace"/> to finish and be sent, then the
        /// socket is closed normally (1000) and nothing reconnects.
        /// </summary>
        public async Task StopAsync()
        {
            if (_stopping) { await Completion.ConfigureAwait(false); return; }
            _stopping = true;
            Log.Write(BridgeLogLevel.Information, "stopping", "Stopping the bridge.");
            var grace = _core.Options.StopGrace;
            var pending = _core.Pending;
            if (pending.Length > 0 && _connection.Current?.Authenticated == true)
                await Task.WhenAny(Task.WhenAll(pending), Task.Delay(grace)).ConfigureAwait(false);
            _connection.Current?.RequestClose(_core.Queue);
            _core.Stop();
            var done = await Task.WhenAny(Completion, Task.Delay(grace + TimeSpan.FromSeconds(3))).ConfigureAwait(false);
            if (done != Completion) _connection.Current?.Ws.Abort();
            try { await Completion.ConfigureAwait(false); } catch (Exception) { }
        }

        public BridgeStatus Snapshot()
        {
            var o = _core.Options;
            var s = new BridgeStatus
            {
                Name = o.Name, StartedAt = StartedAt, CallsInProgress = _calls.InProgress,
                Server = o.WebSocketUri, GatewayUrl = o.GatewayUrl, AgentId = o.AgentId, LogFile = o.LogPath,
                ProcessId = BridgeProcess.Id, Mode = o.Mode, OwnerNumbers = _core.OwnerNumbers, AllowAnySender = o.AllowAnySender, ApprovalMode = o.ApprovalMode,
            };
            _core.Health.Fill(s);
            return s;
        }
    }
}
