using System.Collections.Concurrent;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// What every part of a running bridge shares: its options, the service API, the log, the send queue, the health
    /// counters, the stop signal, and the tasks of requests being worked on.
    /// </summary>
    internal sealed class BridgeCore
    {
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        readonly ConcurrentDictionary<Task, byte> _tasks = new ConcurrentDictionary<Task, byte>();

        public BridgeCore(BridgeOptions options, ApiClient api, BridgeLogger log)
        {
            Options = options;
            Api = api;
            Log = log;
            Health = new BridgeHealth();
            Queue = new SendQueue(options.MaxQueuedFrames, log);
            foreach (var n in options.OwnerNumbers) _owners.TryAdd(n, 0);
        }

        readonly ConcurrentDictionary<string, byte> _owners = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);

        /// <summary>The owner's numbers: the configured ones and the account's owner phone when the service told it.</summary>
        public string[] OwnerNumbers => _owners.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

        /// <summary>Whether a number (any form) is one of the owner's.</summary>
        public bool IsOwner(string? number)
        {
            var e164 = PhoneText.Normalize(number);
            return e164 != null && _owners.ContainsKey(e164);
        }

        /// <summary>Adds an owner number the service told (false when it was known or is not a number).</summary>
        public bool AddOwner(string? number)
        {
            var e164 = PhoneText.Normalize(number);
            return e164 != null && _owners.TryAdd(e164, 0);
        }

        public BridgeOptions Options { get; }
        public ApiClient Api { get; }
        public BridgeLogger Log { get; }
        public BridgeHealth Health { get; }
        public SendQueue Queue { get; }

        public CancellationToken Stopping => _stop.Token;
        public bool IsStopping => _stop.IsCancellationRequested;
        public void Stop() => _stop.Cancel();

        /// <summary>Records a failure as the bridge's last error (status, Get-ClawdTalkBridge).</summary>
        public void RecordError(string errorId, string message) => Health.RecordError(errorId, message);

        /// <summary>Runs a request on its own task (a slow answer never holds up another call's frames) and keeps it until done.</summary>
        public void Spawn(Func<Task> work)
        {
            var task = Task.Run(work);
            _tasks.TryAdd(task, 0);
            _ = task.ContinueWith(t =>
            {
                _tasks.TryRemove(t, out _);
                if (t.IsFaulted)
                    Log.Write(BridgeLogLevel.Error, "handler_failed", $"A request handler failed: {Innermost(t.Exception!).Message}", errorId: ErrorIds.BridgeHandlerFailed);
            }, TaskScheduler.Default);
        }

        /// <summary>The requests still being worked on.</summary>
        public Task[] Pending => _tasks.Keys.ToArray();

        public static Exception Innermost(Exception e)
        {
            if (e is AggregateException a && a.InnerExceptions.Count == 1) e = a.InnerExceptions[0];
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }
    }

    /// <summary>The bridge's state and counters: what Get-ClawdTalkBridge and the status file show.</summary>
    internal sealed class BridgeHealth
    {
        const int KeptErrors = 5;
        readonly object _gate = new object();
        readonly LinkedList<BridgeError> _errors = new LinkedList<BridgeError>();
        BridgeState _state = BridgeState.Connecting;
        DateTimeOffset _since = DateTimeOffset.UtcNow;
        int _reconnects;
        string? _lastError, _lastErrorId;
        long _received, _answered, _smsReplies;

        public event Action<BridgeState>? StateChanged;

        public BridgeState State { get { lock (_gate) return _state; } }
        public int Reconnects { get { lock (_gate) return _reconnects; } }

        public void SetState(BridgeState state)
        {
            lock (_gate)
            {
                if (_state == state) return;
                _state = state;
                _since = DateTimeOffset.UtcNow;
            }
            StateChanged?.Invoke(state);
        }

        public void CountReconnect()
        {
            lock (_gate) _reconnects++;
        }

        public void RecordError(string errorId, string message)
        {
            lock (_gate)
            {
                _lastErrorId = errorId;
                _lastError = message;
                _errors.AddLast(new BridgeError { Time = DateTimeOffset.UtcNow, ErrorId = errorId, Message = message });
                while (_errors.Count > KeptErrors) _errors.RemoveFirst();
            }
        }

        GatewayState _gateway = GatewayState.Unknown;
        string? _gatewayProblem;
        readonly Dictionary<string, BridgeSender> _ignored = new Dictionary<string, BridgeSender>(StringComparer.Ordinal);
        const int KeptSenders = 100;

        public GatewayState Gateway { get { lock (_gate) return _gateway; } }

        /// <summary>What the bridge last learnt of its gateway (the start probe, then every request).</summary>
        public void SetGateway(GatewayState state, string? problem)
        {
            lock (_gate)
            {
                _gateway = state;
                _gatewayProblem = state == GatewayState.Ready ? null : problem;
            }
        }

        /// <summary>Counts a text that was not routed (a sender who is not the owner); the list keeps the 100 latest senders.</summary>
        public void Ignored(string number)
        {
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                if (!_ignored.TryGetValue(number, out var s))
                {
                    if (_ignored.Count >= KeptSenders) _ignored.Remove(_ignored.Values.OrderBy(x => x.LastSeen).First().Number);
                    _ignored[number] = s = new BridgeSender { Number = number, FirstSeen = now };
                }
                s.Texts++;
                s.LastSeen = now;
            }
        }

        public void Received() => Interlocked.Increment(ref _received);
        public void Answered() => Interlocked.Increment(ref _answered);
        public void SmsReplied() => Interlocked.Increment(ref _smsReplies);

        /// <summary>Fills the counters and state of a status object.</summary>
        public void Fill(BridgeStatus s)
        {
            lock (_gate)
            {
                s.State = _state;
                s.Since = _since;
                s.ReconnectCount = _reconnects;
                s.LastError = _lastError;
                s.LastErrorId = _lastErrorId;
                s.RecentErrors = _errors.ToArray();
                s.GatewayState = _gateway;
                s.GatewayProblem = _gatewayProblem;
                s.IgnoredSenders = _ignored.Values.OrderByDescending(x => x.LastSeen)
                    .Select(x => new BridgeSender { Number = x.Number, Texts = x.Texts, FirstSeen = x.FirstSeen, LastSeen = x.LastSeen }).ToArray();
            }
            s.RequestsReceived = Interlocked.Read(ref _received);
            s.RequestsAnswered = Interlocked.Read(ref _answered);
            s.SmsReplies = Interlocked.Read(ref _smsReplies);
        }
    }

    /// <summary>A small thread-safe cache that forgets its oldest entries beyond a capacity.</summary>
    internal sealed class BoundedCache<T>
    {
        readonly Dictionary<string, T> _items = new Dictionary<string, T>(StringComparer.Ordinal);
        readonly Queue<string> _order = new Queue<string>();
        readonly int _capacity;

        public BoundedCache(int capacity) { _capacity = capacity; }

        public int Count { get { lock (_items) return _items.Count; } }

        public bool TryGet(string key, out T? value)
        {
            lock (_items)
            {
                if (_items.TryGetValue(key, out var v)) { value = v; return true; }
                value = default;
                return false;
            }
        }

        /// <summary>Adds; false when the key was already there.</summary>
        public bool Add(string key, T value)
        {
            lock (_items)
            {
                if (_items.ContainsKey(key)) return false;
                Set(key, value);
                return true;
            }
        }

        public void Set(string key, T value)
        {
            lock (_items)
            {
                if (!_items.ContainsKey(key)) _order.Enqueue(key);
                _items[key] = value;
                while (_order.Count > _capacity) _items.Remove(_order.Dequeue());
            }
        }
    }
}

namespace ClawdTalk.Bridge
{
    /// <summary>This process's id, read once.</summary>
    internal static class BridgeProcess
    {
        public static readonly int Id = System.Diagnostics.Process.GetCurrentProcess().Id;
    }
}
