using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The long-running voice and SMS bridge: one WebSocket to the service at a time, reconnected with capped, jittered
    /// exponential backoff; every request handled on its own task (a slow agent answer for one call never holds up another
    /// call's frames); all sends serialised through one queue and one sender per connection, and answers that could not be
    /// sent are carried over to the next connection instead of being lost.
    /// </summary>
    internal sealed class BridgeRunner
    {
        const int MaxFrameBytes = 1 << 20;
        static readonly Regex SessionKeyPattern = new Regex(@"^agent:[A-Za-z0-9_.-]{1,100}:[^\s]{1,200}$", RegexOptions.Compiled);

        // .NET 9+ (PowerShell 7.5+): the runtime's own ping/pong keep-alive with a timeout; .NET 7+: the HTTP status of a failed upgrade
        static readonly PropertyInfo? KeepAliveTimeoutProperty = typeof(ClientWebSocketOptions).GetProperty("KeepAliveTimeout");
        static readonly PropertyInfo? CollectDetailsProperty = typeof(ClientWebSocketOptions).GetProperty("CollectHttpResponseDetails");
        static readonly PropertyInfo? HttpStatusProperty = typeof(ClientWebSocket).GetProperty("HttpStatusCode");

        readonly BridgeOptions _o;
        readonly ApiClient _api;
        readonly GatewayClient _gateway;
        readonly ApprovalGate _gate;
        readonly Random _random = new Random();

        readonly LinkedList<Outgoing> _queue = new LinkedList<Outgoing>();
        readonly SemaphoreSlim _queueSignal = new SemaphoreSlim(0);

        readonly object _stateGate = new object();
        BridgeState _state = BridgeState.Connecting;
        DateTimeOffset _since;
        int _reconnects;
        string? _lastError, _lastErrorId;
        long _received, _answered, _smsReplies;

        readonly ConcurrentDictionary<string, CallState> _calls = new ConcurrentDictionary<string, CallState>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, byte> _inflight = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        readonly BoundedCache<string> _answers = new BoundedCache<string>(4096);
        readonly BoundedCache<bool> _seenSms = new BoundedCache<bool>(4096);
        readonly ConcurrentDictionary<string, PendingConfirmation> _smsPending = new ConcurrentDictionary<string, PendingConfirmation>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<Task, byte> _tasks = new ConcurrentDictionary<Task, byte>();

        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        volatile Connection? _current;
        volatile bool _stopping;
        Task? _run;

        public BridgeRunner(BridgeOptions options, ApiClient api, BridgeLogger log)
        {
            _o = options;
            _api = api;
            Log = log;
            _gateway = new GatewayClient(options.GatewayUrl, options.GatewayToken);
            _gate = new ApprovalGate(api, options, log);
            StartedAt = _since = DateTimeOffset.UtcNow;
        }

        public BridgeLogger Log { get; }
        public BridgeOptions Options => _o;
        public DateTimeOffset StartedAt { get; }
        /// <summary>Why the bridge stopped on its own (auth_error, duplicate client); null when it was stopped or still runs.</summary>
        public ClawdTalkException? Fatal { get; private set; }
        public event Action<BridgeState>? StateChanged;
        public BridgeState State { get { lock (_stateGate) return _state; } }
        public Task Completion => _run ?? Task.CompletedTask;

        public Task Start()
        {
            if (_run != null) return _run;
            Log.Write(BridgeLogLevel.Information, "starting",
                $"Bridge '{_o.Name}' starting: service {_o.WebSocketUri}, gateway {_o.GatewayUrl} ({_o.GatewayUrlSource}), session {_o.SessionKey}, token from {_o.GatewayTokenSource}.");
            _run = Task.Run(RunAsync);
            return _run;
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
            var pending = _tasks.Keys.ToArray();
            if (pending.Length > 0 && _current?.Authenticated == true)
                await Task.WhenAny(Task.WhenAll(pending), Task.Delay(_o.StopGrace)).ConfigureAwait(false);
            _current?.RequestClose(_queueSignal);
            _stop.Cancel();
            var done = await Task.WhenAny(Completion, Task.Delay(_o.StopGrace + TimeSpan.FromSeconds(3))).ConfigureAwait(false);
            if (done != Completion) _current?.Ws.Abort();
            try { await Completion.ConfigureAwait(false); } catch (Exception) { }
        }

        public BridgeStatus Snapshot()
        {
            lock (_stateGate)
                return new BridgeStatus
                {
                    Name = _o.Name, State = _state, Since = _since, StartedAt = StartedAt, ReconnectCount = _reconnects,
                    CallsInProgress = _calls.Count, RequestsReceived = Interlocked.Read(ref _received), RequestsAnswered = Interlocked.Read(ref _answered),
                    SmsReplies = Interlocked.Read(ref _smsReplies), LastError = _lastError, LastErrorId = _lastErrorId,
                    Server = _o.WebSocketUri, GatewayUrl = _o.GatewayUrl, AgentId = _o.AgentId, LogFile = _o.LogPath,
                };
        }

        void SetState(BridgeState state)
        {
            lock (_stateGate)
            {
                if (_state == state) return;
                _state = state;
                _since = DateTimeOffset.UtcNow;
            }
            StateChanged?.Invoke(state);
        }

        void RecordError(string errorId, string message)
        {
            lock (_stateGate)
            {
                _lastErrorId = errorId;
                _lastError = message;
            }
        }

        // ---- connection loop ------------------------------------------------------------------------

        async Task RunAsync()
        {
            var attempt = 0;
            var duplicateCloses = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var conn = new Connection();
                    var rateLimited = false;
                    string reason;
                    try
                    {
                        var status = await ConnectAsync(conn).ConfigureAwait(false);
                        if (status != null)
                        {
                            rateLimited = status == 429;
                            reason = rateLimited ? "rate limited (HTTP 429)" : $"HTTP {status}";
                            if (status == 401)
                            {
                                Fail("BridgeAuthFailed", ErrorCategory.AuthenticationError,
                                    "The service refused the WebSocket connection with HTTP 401: the API key is not valid. The bridge stopped and will not reconnect; check the key with Test-ClawdTalkConnection.");
                                break;
                            }
                        }
                        else
                        {
                            _current = conn;
                            await ReceiveLoopAsync(conn).ConfigureAwait(false);
                            reason = conn.CloseCode.HasValue ? $"closed by the service ({conn.CloseCode}{(string.IsNullOrEmpty(conn.CloseReason) ? "" : ": " + conn.CloseReason)})" : "connection ended";
                        }
                    }
                    catch (FatalStop)
                    {
                        break;
                    }
                    catch (Exception ex) when (ex is WebSocketException || ex is IOException || ex is OperationCanceledException || ex is HttpRequestException || ex is ObjectDisposedException)
                    {
                        if (_stop.IsCancellationRequested) break;
                        reason = conn.AbortReason ?? $"connection lost ({Innermost(ex).Message})";
                    }
                    finally
                    {
                        await TeardownAsync(conn).ConfigureAwait(false);
                        _current = null;
                    }
                    if (_stop.IsCancellationRequested) break;

                    if (conn.CloseCode == 4000)
                    {
                        duplicateCloses++;
                        if (duplicateCloses >= _o.DuplicateCloseLimit)
                        {
                            Fail("BridgeDuplicateClient", ErrorCategory.ResourceExists,
                                $"Another client with the same API key took over the connection {duplicateCloses} times in a row (close code 4000). " +
                                "A second bridge (or the published connect.sh) is running with this key somewhere; the bridge stopped instead of fighting it. Stop the other one, then start this bridge again.");
                            break;
                        }
                        RecordError("BridgeReplaced", $"Another client with the same API key took over the connection (close code 4000), {duplicateCloses} of {_o.DuplicateCloseLimit}.");
                        Log.Write(BridgeLogLevel.Warning, "replaced", $"Another client with the same API key took over (close code 4000); {duplicateCloses} of {_o.DuplicateCloseLimit} in a row before the bridge gives up.",
                            errorId: "BridgeReplaced");
                    }
                    else if (conn.CloseCode.HasValue) duplicateCloses = 0;

                    if (conn.AuthenticatedAt.HasValue && DateTimeOffset.UtcNow - conn.AuthenticatedAt.Value >= _o.StablePeriod) attempt = 0;
                    TimeSpan delay, nominal;
                    if (rateLimited)
                    {
                        nominal = delay = _o.RateLimitDelay;
                        RecordError("BridgeRateLimited", $"The service answered 429 to the WebSocket connection; waiting {delay.TotalSeconds:0.#} s.");
                    }
                    else (delay, nominal) = Backoff(attempt++);
                    lock (_stateGate) _reconnects++;
                    SetState(BridgeState.Reconnecting);
                    if (!rateLimited && !conn.CloseCode.HasValue) RecordError("BridgeConnectionLost", reason);
                    Log.Write(BridgeLogLevel.Warning, "reconnect_scheduled", $"Bridge {reason}; reconnecting in {delay.TotalSeconds:0.###} s.",
                        data: LogData.Of(("attempt", attempt), ("nominal_ms", Math.Round(nominal.TotalMilliseconds)), ("delay_ms", Math.Round(delay.TotalMilliseconds)),
                            ("close_code", conn.CloseCode), ("rate_limited", rateLimited)));
                    try { await Task.Delay(delay, _stop.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                }
            }
            finally
            {
                _stop.Cancel();
                var pending = _tasks.Keys.ToArray();
                if (pending.Length > 0) await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                SetState(BridgeState.Stopped);
                if (Fatal == null) Log.Write(BridgeLogLevel.Information, "stopped", "Bridge stopped.");
            }
        }

        /// <summary>Exponential from the base delay, doubling, capped, with ±20 % jitter so many clients do not reconnect in step.</summary>
        internal (TimeSpan delay, TimeSpan nominal) Backoff(int attempt)
        {
            var nominalMs = Math.Min(_o.MaxReconnectDelay.TotalMilliseconds, _o.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
            double factor;
            lock (_random) factor = 0.8 + 0.4 * _random.NextDouble();
            var ms = Math.Min(_o.MaxReconnectDelay.TotalMilliseconds, nominalMs * factor);
            return (TimeSpan.FromMilliseconds(ms), TimeSpan.FromMilliseconds(nominalMs));
        }

        void Fail(string errorId, ErrorCategory category, string message)
        {
            Fatal = new ClawdTalkException(errorId, category, message, _o.Name);
            RecordError(errorId, message);
            Log.Write(BridgeLogLevel.Error, "fatal", message, errorId: errorId);
        }

        /// <summary>Opens the socket; returns the HTTP status when the upgrade was refused, null when connected.</summary>
        async Task<int?> ConnectAsync(Connection conn)
        {
            SetState(_reconnects == 0 ? BridgeState.Connecting : BridgeState.Reconnecting);
            var ws = new ClientWebSocket();
            conn.Ws = ws;
            ws.Options.KeepAliveInterval = _o.KeepAliveInterval;
            try
            {
                if (_o.RuntimeKeepAlive) KeepAliveTimeoutProperty?.SetValue(ws.Options, _o.KeepAliveTimeout);
                CollectDetailsProperty?.SetValue(ws.Options, true);
            }
            catch (TargetInvocationException) { }
            Log.Write(BridgeLogLevel.Verbose, "connecting", $"Connecting to {_o.WebSocketUri}.");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            limit.CancelAfter(_o.ConnectTimeout);
            try
            {
                await ws.ConnectAsync(_o.WebSocketUri, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException || ex is HttpRequestException || ex is OperationCanceledException || ex is IOException)
            {
                if (_stop.IsCancellationRequested) throw;
                var status = StatusOf(ws, ex);
                if (status != null && status != 101)
                {
                    Log.Write(BridgeLogLevel.Warning, status == 429 ? "rate_limited" : "connect_refused",
                        status == 429 ? $"The service answered 429 (rate limited) to the WebSocket connection; waiting {_o.RateLimitDelay.TotalSeconds:0.#} s before the next try."
                                      : $"The service refused the WebSocket connection with HTTP {status}.",
                        errorId: status == 429 ? "BridgeRateLimited" : "BridgeConnectRefused", data: LogData.Of(("status", status)));
                    return status;
                }
                var message = ex is OperationCanceledException ? $"no answer within {_o.ConnectTimeout.TotalSeconds:0.#} s" : Innermost(ex).Message;
                conn.AbortReason = $"could not connect to {_o.WebSocketUri} ({message})";
                RecordError("BridgeConnectFailed", conn.AbortReason);
                throw new WebSocketException(conn.AbortReason, ex);
            }
            conn.OpenedTicks = conn.LastReceivedTicks = Stopwatch.GetTimestamp();
            conn.Token = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            Log.Write(BridgeLogLevel.Information, "connected", $"Connected to {_o.WebSocketUri}; authenticating.");
            var auth = new JObject { ["type"] = "auth", ["api_key"] = _o.ApiKey };
            if (!string.IsNullOrWhiteSpace(_o.OwnerName)) auth["owner_name"] = _o.OwnerName;
            if (!string.IsNullOrWhiteSpace(_o.AgentName)) auth["agent_name"] = _o.AgentName;
            var bytes = Encoding.UTF8.GetBytes(auth.ToString(Formatting.None));
            await ws.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            Array.Clear(bytes, 0, bytes.Length);
            conn.Watchdog = Task.Run(() => WatchdogAsync(conn));
            return null;
        }

        static int? StatusOf(ClientWebSocket ws, Exception ex)
        {
            try
            {
                if (HttpStatusProperty?.GetValue(ws) is HttpStatusCode code && code != 0) return (int)code;
            }
            catch (TargetInvocationException) { }
            for (Exception? e = ex; e != null; e = e.InnerException)
            {
                var m = Regex.Match(e.Message, @"status code '(\d{3})'");
                if (m.Success) return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return null;
        }

        async Task ReceiveLoopAsync(Connection conn)
        {
            var ws = conn.Ws;
            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var r = await ws.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    conn.CloseCode = (int?)ws.CloseStatus;
                    conn.CloseReason = ws.CloseStatusDescription;
                    Log.Write(BridgeLogLevel.Verbose, "closed", $"The service closed the connection ({conn.CloseCode}{(string.IsNullOrEmpty(conn.CloseReason) ? "" : ": " + conn.CloseReason)}).",
                        data: LogData.Of(("close_code", conn.CloseCode)));
                    return;
                }
                message.Write(buffer, 0, r.Count);
                if (message.Length > MaxFrameBytes)
                {
                    conn.AbortReason = $"a frame larger than {MaxFrameBytes / 1024} KiB arrived";
                    ws.Abort();
                    return;
                }
                if (!r.EndOfMessage) continue;
                var received = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref conn.LastReceivedTicks, received);
                if (r.MessageType != WebSocketMessageType.Text) { message.SetLength(0); continue; }
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                HandleFrame(conn, text, received);
            }
        }

        void HandleFrame(Connection conn, string text, long received)
        {
            JObject frame;
            try
            {
                if (!(Json.Parse(text) is JObject o)) return;
                frame = o;
            }
            catch (JsonException)
            {
                Log.Write(BridgeLogLevel.Verbose, "frame_invalid", "A frame that is not a JSON object was ignored.");
                return;
            }
            var type = Json.Str(frame, "type");
            switch (type)
            {
                case "auth_ok":
                    conn.Authenticated = true;
                    conn.AuthenticatedAt = DateTimeOffset.UtcNow;
                    SetState(BridgeState.Authenticated);
                    Log.Write(BridgeLogLevel.Information, "authenticated", "Authenticated; the bridge answers calls, texts and push-to-talk.");
                    conn.Sender = Task.Run(() => SendLoopAsync(conn));
                    return;
                case "auth_error":
                    var why = Json.Str(frame, "message") ?? "no reason given";
                    Fail("BridgeAuthFailed", ErrorCategory.AuthenticationError,
                        $"The service rejected the bridge's API key (auth_error: {why}). The bridge stopped and will not reconnect; check the key with Test-ClawdTalkConnection.");
                    conn.RequestClose(_queueSignal);
                    throw new FatalStop();
                case "pong":
                    conn.PongSeen = true;
                    return;
                case "ping":
                    Enqueue(new JObject { ["type"] = "pong" }, conn);
                    return;
                case "event":
                    Dispatch(frame, received);
                    return;
                case "error":
                    Log.Write(BridgeLogLevel.Warning, "service_error", $"The service reported: {Json.Str(frame, "message") ?? "an error"}.");
                    return;
                default:
                    Log.Write(BridgeLogLevel.Verbose, "frame_ignored", $"Ignored a frame of type '{type ?? "(none)"}'.");
                    return;
            }
        }

        /// <summary>
        /// Pings the service (a JSON ping every keep-alive interval) and notices a dead connection: once the service has
        /// shown that it answers pings, a ping with no frame or pong after it within the timeout aborts the socket and the
        /// loop reconnects. Before authentication it enforces the auth timeout. Runs next to the runtime's own keep-alive.
        /// </summary>
        async Task WatchdogAsync(Connection conn)
        {
            var tick = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(500, Math.Min(_o.KeepAliveTimeout.TotalMilliseconds, _o.KeepAliveInterval.TotalMilliseconds) / 4)));
            var freq = (double)Stopwatch.Frequency;
            long lastPing = 0;
            var warnedNoPong = false;
            var lastSweep = Stopwatch.GetTimestamp();
            try
            {
                while (!conn.Token!.IsCancellationRequested)
                {
                    await Task.Delay(tick, conn.Token.Token).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    if (!conn.Authenticated)
                    {
                        if ((now - conn.OpenedTicks) / freq > _o.AuthTimeout.TotalSeconds)
                        {
                            conn.AbortReason = $"no answer to the auth frame within {_o.AuthTimeout.TotalSeconds:0.#} s";
                            Log.Write(BridgeLogLevel.Warning, "watchdog", $"The service did not answer the auth frame within {_o.AuthTimeout.TotalSeconds:0.#} s; reconnecting.");
                            conn.Ws.Abort();
                            return;
                        }
                        continue;
                    }
                    var lastReceived = Interlocked.Read(ref conn.LastReceivedTicks);
                    var awaitingPong = lastPing != 0 && lastReceived < lastPing;
                    if (awaitingPong)
                    {
                        if ((now - lastPing) / freq > _o.KeepAliveTimeout.TotalSeconds)
                        {
                            if (conn.PongSeen)
                            {
                                var silent = (now - lastReceived) / freq;
                                conn.AbortReason = $"no frame or pong for {silent:0.#} s (watchdog)";
                                Log.Write(BridgeLogLevel.Warning, "watchdog", $"No frame or pong for {silent:0.#} s: the connection is dead; reconnecting.",
                                    data: LogData.Of(("silent_ms", Math.Round(silent * 1000))));
                                conn.Ws.Abort();
                                return;
                            }
                            if (!warnedNoPong)
                            {
                                warnedNoPong = true;
                                Log.Write(BridgeLogLevel.Verbose, "keepalive", "The service does not answer JSON pings; relying on the WebSocket keep-alive to notice a dead connection.");
                            }
                            lastPing = 0;
                        }
                    }
                    else if ((now - (lastPing == 0 ? Math.Max(lastReceived, conn.OpenedTicks) : lastPing)) / freq >= _o.KeepAliveInterval.TotalSeconds)
                    {
                        lastPing = now;
                        Enqueue(new JObject { ["type"] = "ping" }, conn);
                    }
                    if ((now - lastSweep) / freq > 60)
                    {
                        lastSweep = now;
                        SweepStaleCalls();
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        }

        void SweepStaleCalls()
        {
            var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromHours(6);
            foreach (var kv in _calls)
                if (kv.Value.Started < cutoff) _calls.TryRemove(kv.Key, out _);
        }

        async Task TeardownAsync(Connection conn)
        {
            if (conn.Ws == null) return;
            conn.RequestClose(_queueSignal);
            if (conn.Sender != null)
            {
                var done = await Task.WhenAny(conn.Sender, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                if (done != conn.Sender) conn.Ws.Abort();
                try { await conn.Sender.ConfigureAwait(false); } catch (Exception) { }
            }
            else if (conn.Ws.State == WebSocketState.Open || conn.Ws.State == WebSocketState.CloseReceived)
            {
                try
                {
                    using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await conn.Ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bridge stopped", t.Token).ConfigureAwait(false);
                }
                catch (Exception) { }
            }
            conn.Token?.Cancel();
            if (conn.Watchdog != null)
                try { await conn.Watchdog.ConfigureAwait(false); } catch (Exception) { }
            conn.Token?.Dispose();
            conn.Ws.Dispose();
        }

        // ---- sending ----------------------------------------------------------------------------------

        sealed class Outgoing
        {
            public byte[] Bytes = Array.Empty<byte>();
            public string Type = "";
            /// <summary>Pings and pongs belong to one connection; answers outlive it.</summary>
            public Connection? Bound;
            public Action? OnSent;
        }

        /// <summary>Queues a frame; the connection's sender writes it, and frames that could not be sent wait for the next connection.</summary>
        void Enqueue(JObject frame, Connection? bound = null, Action? onSent = null)
        {
            var item = new Outgoing { Bytes = Encoding.UTF8.GetBytes(frame.ToString(Formatting.None)), Type = Json.Str(frame, "type") ?? "", Bound = bound, OnSent = onSent };
            Outgoing? dropped = null;
            lock (_queue)
            {
                _queue.AddLast(item);
                if (_queue.Count > _o.MaxQueuedFrames)
                {
                    dropped = _queue.First!.Value;
                    _queue.RemoveFirst();
                }
            }
            if (dropped != null)
                Log.Write(BridgeLogLevel.Warning, "queue_full", $"More than {_o.MaxQueuedFrames} frames wait for a connection; the oldest ({dropped.Type}) was dropped.");
            _queueSignal.Release();
        }

        Outgoing? TakeNext()
        {
            lock (_queue)
            {
                if (_queue.Count == 0) return null;
                var item = _queue.First!.Value;
                _queue.RemoveFirst();
                return item;
            }
        }

        void PutBack(Outgoing item)
        {
            lock (_queue) _queue.AddFirst(item);
        }

        /// <summary>The only writer of a connection: frames in queue order, then the normal close when asked.</summary>
        async Task SendLoopAsync(Connection conn)
        {
            var ws = conn.Ws;
            try
            {
                while (true)
                {
                    Outgoing? item;
                    while ((item = TakeNext()) != null)
                    {
                        if (item.Bound != null && item.Bound != conn) continue;
                        if (ws.State != WebSocketState.Open && ws.State != WebSocketState.CloseReceived)
                        {
                            if (item.Bound == null) PutBack(item);
                            return;
                        }
                        try
                        {
                            await ws.SendAsync(new ArraySegment<byte>(item.Bytes), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is WebSocketException || ex is IOException || ex is ObjectDisposedException || ex is OperationCanceledException || ex is InvalidOperationException)
                        {
                            if (item.Bound == null)
                            {
                                PutBack(item);
                                Log.Write(BridgeLogLevel.Verbose, "send_deferred", $"A {item.Type} frame could not be sent; it goes out on the next connection.");
                            }
                            return;
                        }
                        if (item.Type != "ping" && item.Type != "pong") Log.Write(BridgeLogLevel.Verbose, "frame_sent", $"Sent {item.Type}.");
                        item.OnSent?.Invoke();
                    }
                    if (conn.Closing)
                    {
                        if (ws.State == WebSocketState.Open || ws.State == WebSocketState.CloseReceived)
                        {
                            try
                            {
                                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bridge stopped", t.Token).ConfigureAwait(false);
                            }
                            catch (Exception) { }
                        }
                        return;
                    }
                    await _queueSignal.WaitAsync().ConfigureAwait(false);
                }
            }
            catch (ObjectDisposedException) { }
        }

        // ---- frames from the service ------------------------------------------------------------------

        sealed class CallState
        {
            public string Id = "";
            public string? Direction;
            public int Greeted;
            public DateTimeOffset Started = DateTimeOffset.UtcNow;
            public PendingConfirmation? Pending;
        }

        CallState CallOf(string callId, string? direction = null)
        {
            var call = _calls.GetOrAdd(callId, id => new CallState { Id = id, Direction = direction });
            if (direction != null && call.Direction == null) call.Direction = direction;
            return call;
        }

        void Dispatch(JObject f, long received)
        {
            var evt = Json.Str(f, "event");
            var callId = Json.Str(f, "call_id");
            switch (evt)
            {
                case "context_request":
                    if (callId == null) return;
                    OnContextRequest(callId);
                    return;
                case "call.started":
                    if (callId == null) return;
                    OnCallStarted(callId, Json.Str(f, "direction"));
                    return;
                case "call.ended":
                    OnCallEnded(f);
                    return;
                case "deep_tool_request":
                    Spawn(() => HandleDeepToolAsync(f, received));
                    return;
                case "sms.received":
                    Spawn(() => HandleSmsAsync(f));
                    return;
                case "walkie_request":
                    Spawn(() => HandleWalkieAsync(f));
                    return;
                case "approval.responded":
                    var id = Json.Str(f, "request_id");
                    var decision = Json.Str(f, "decision") ?? "";
                    if (id == null) return;
                    ApprovalGate.Publish(_api.Connection.ApiBase, id, decision);
                    Log.Write(BridgeLogLevel.Information, "approval_responded", $"The owner answered approval {id}: {decision}.", data: LogData.Of(("approval_id", id), ("decision", decision)));
                    return;
                default:
                    Log.Write(BridgeLogLevel.Verbose, "event_ignored", $"Ignored event '{evt ?? "(none)"}'.", callId);
                    return;
            }
        }

        void Spawn(Func<Task> work)
        {
            var task = Task.Run(work);
            _tasks.TryAdd(task, 0);
            _ = task.ContinueWith(t =>
            {
                _tasks.TryRemove(t, out _);
                if (t.IsFaulted)
                    Log.Write(BridgeLogLevel.Error, "handler_failed", $"A request handler failed: {Innermost(t.Exception!).Message}", errorId: "BridgeHandlerFailed");
            }, TaskScheduler.Default);
        }

        void OnContextRequest(string callId)
        {
            var call = CallOf(callId, null);
            Log.Write(BridgeLogLevel.Information, "context_request", "A call started; sending context and greeting.", callId);
            Enqueue(new JObject
            {
                ["type"] = "context_response", ["call_id"] = callId,
                ["context"] = new JObject { ["memory"] = _o.Memory, ["system_prompt"] = _o.VoiceContext },
            });
            Greet(call);
        }

        void OnCallStarted(string callId, string? direction)
        {
            var dir = string.IsNullOrEmpty(direction) ? "inbound" : direction!;
            var call = CallOf(callId, dir);
            Log.Write(BridgeLogLevel.Information, "call_started", $"Call started ({dir}).", callId, data: LogData.Of(("direction", dir)));
            if (dir.Equals("inbound", StringComparison.OrdinalIgnoreCase)) Greet(call);
        }

        /// <summary>Greets a call once, whichever of context_request and call.started comes first.</summary>
        void Greet(CallState call)
        {
            if (string.IsNullOrWhiteSpace(_o.Greeting)) return;
            if (Interlocked.Exchange(ref call.Greeted, 1) != 0) return;
            Enqueue(new JObject { ["type"] = "response", ["call_id"] = call.Id, ["text"] = SpeechText.ForSpeech(_o.Greeting) });
        }

        void OnCallEnded(JObject f)
        {
            var callId = Json.Str(f, "call_id");
            if (callId != null) _calls.TryRemove(callId, out _);
            var summary = OutcomeSummary(f);
            // the record leaves out what the voicemail said unless -Debug: bodies stay out of logs
            Log.Write(BridgeLogLevel.Information, "call_ended", Log.DebugEnabled ? summary : OutcomeSummary(f, withVoicemail: false), callId,
                data: LogData.Of(("outcome", Json.Str(f, "outcome")), ("direction", Json.Str(f, "direction")), ("duration_seconds", Json.Int(f, "duration_seconds"))));
            // fire-and-forget: the report must not hold up anything, and the agent is not asked to answer
            Spawn(async () =>
            {
                try
                {
                    await _gateway.SendAsync(_o.SessionKey, "[ClawdTalk] " + summary, 0, _o.ReportTimeout, _stop.Token).ConfigureAwait(false);
                    Log.Write(BridgeLogLevel.Verbose, "outcome_reported", "Reported the call's outcome to the agent.", callId);
                }
                catch (GatewayException gx)
                {
                    RecordError(gx.ErrorId, gx.Message);
                    Log.Write(BridgeLogLevel.Warning, "outcome_report_failed", "Could not report the call's outcome to the agent: " + gx.Message, callId, errorId: gx.ErrorId);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
            });
        }

        /// <summary>A sentence a person (or agent) understands: voicemail with a preview, no answer, busy, fax, failed, completed with its duration, inbound.</summary>
        internal static string OutcomeSummary(JObject f, bool withVoicemail = true)
        {
            var direction = (Json.Str(f, "direction") ?? "outbound").ToLowerInvariant();
            var outcome = (Json.Str(f, "outcome") ?? "").Trim().ToLowerInvariant().Replace('_', '-');
            var reason = Json.Str(f, "reason");
            var duration = Json.Double(f, "duration_seconds");
            var to = Json.Str(f, "to_number");
            var purpose = Json.Str(f, "purpose");
            var voicemail = Json.Str(f, "voicemail_message");
            var callId = Json.Str(f, "call_id");
            var inbound = direction == "inbound";
            var who = inbound ? "An inbound call" : "The call to " + (to ?? "the callee");
            var about = string.IsNullOrWhiteSpace(purpose) ? "" : $" about \"{SpeechText.Preview(purpose, 80)}\"";
            string text;
            switch (outcome)
            {
                case "voicemail":
                case "machine":
                case "answering-machine":
                case "voicemail-left":
                    text = $"{who}{about} reached voicemail" + (string.IsNullOrWhiteSpace(voicemail) ? "." : withVoicemail ? $"; the message left was: \"{SpeechText.Preview(voicemail, 160)}\"" : "; a message was left.");
                    break;
                case "no-answer":
                case "noanswer":
                case "unanswered":
                    text = $"{who}{about} was not answered.";
                    break;
                case "busy":
                    text = $"{who}{about} got a busy signal.";
                    break;
                case "fax":
                case "fax-machine":
                    text = $"{who}{about} reached a fax machine; nobody was spoken to.";
                    break;
                case "failed":
                case "error":
                    text = $"{who}{about} failed to connect" + (string.IsNullOrWhiteSpace(reason) ? "." : $" ({reason}).");
                    break;
                case "canceled":
                case "cancelled":
                    text = $"{who}{about} was canceled before it connected.";
                    break;
                default:
                    var length = duration.HasValue && duration > 0 ? " after " + Duration(duration.Value) : "";
                    text = inbound ? $"An inbound call ended{length}." : $"{who}{about} was answered and completed{length}.";
                    break;
            }
            return callId == null ? text : $"{text} (call {callId})";
        }

        static string Duration(double seconds)
        {
            var s = (int)Math.Round(seconds);
            if (s < 60) return s == 1 ? "1 second" : $"{s} seconds";
            var m = s / 60;
            var r = s % 60;
            var min = m == 1 ? "1 minute" : $"{m} minutes";
            return r == 0 ? min : $"{min} {(r == 1 ? "1 second" : $"{r} seconds")}";
        }

        // ---- deep tool requests -----------------------------------------------------------------------

        const string StillWorking = "I've passed that to your agent and it's still working on it; it will follow up when it's done.";

        async Task HandleDeepToolAsync(JObject f, long received)
        {
            var requestId = Json.Str(f, "request_id");
            var callId = Json.Str(f, "call_id");
            var query = Json.Str(f, "query") ?? "";
            var context = f["context"] is JObject co ? co.ToString(Formatting.None) : Json.Str(f, "context");
            if (requestId == null)
            {
                Log.Write(BridgeLogLevel.Warning, "deep_tool_invalid", "A deep_tool_request without a request_id was ignored.", callId);
                return;
            }
            if (_answers.TryGet(requestId, out var cached))
            {
                Log.Write(BridgeLogLevel.Information, "deep_tool_repeat", "The service sent an answered request again; the same answer goes back (the agent is not asked twice).", callId, requestId);
                Enqueue(ResultFrame(requestId, cached!));
                return;
            }
            if (!_inflight.TryAdd(requestId, 0))
            {
                Log.Write(BridgeLogLevel.Verbose, "deep_tool_repeat", "The service sent a request that is still being worked on; ignored.", callId, requestId);
                return;
            }
            Interlocked.Increment(ref _received);
            Log.Write(BridgeLogLevel.Information, "deep_tool_request", "The voice agent asked the agent for help.", callId, requestId);
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "deep_tool_query", "Query: " + query, callId, requestId);
            string answer;
            try
            {
                answer = await AnswerVoiceAsync(requestId, callId, query, context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                _inflight.TryRemove(requestId, out _);
                return;
            }
            catch (Exception ex)
            {
                RecordError("BridgeHandlerFailed", Innermost(ex).Message);
                Log.Write(BridgeLogLevel.Error, "deep_tool_failed", "Answering failed: " + Innermost(ex).Message, callId, requestId, "BridgeHandlerFailed");
                answer = "Sorry, something went wrong on my side. Please try again.";
            }
            _answers.Set(requestId, answer);
            _inflight.TryRemove(requestId, out _);
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "deep_tool_answer", "Answer: " + answer, callId, requestId);
            Enqueue(ResultFrame(requestId, answer), onSent: () =>
            {
                Interlocked.Increment(ref _answered);
                Log.Write(BridgeLogLevel.Information, "deep_tool_result", "Answered the voice agent.", callId, requestId,
                    durationMs: (Stopwatch.GetTimestamp() - received) * 1000.0 / Stopwatch.Frequency);
            });
        }

        static JObject ResultFrame(string requestId, string text) => new JObject { ["type"] = "deep_tool_result", ["request_id"] = requestId, ["text"] = text };

        async Task<string> AnswerVoiceAsync(string requestId, string? callId, string query, string? context)
        {
            var call = callId == null ? null : CallOf(callId);
            var pending = call == null ? null : Interlocked.Exchange(ref call.Pending, null);
            if (pending != null && pending.Expires > DateTimeOffset.UtcNow)
            {
                if (Confirmation.IsYes(query))
                {
                    Log.Write(BridgeLogLevel.Information, "confirmed_by_caller", $"The caller confirmed the {pending.Action} request by voice (no approval device); running it.", callId, requestId);
                    return await AskAgentVoiceAsync(pending.Query, pending.Context, callId, requestId).ConfigureAwait(false);
                }
                if (Confirmation.IsNo(query))
                {
                    Log.Write(BridgeLogLevel.Information, "declined_by_caller", $"The caller declined the {pending.Action} request.", callId, requestId);
                    return "Okay, I won't do that.";
                }
                Log.Write(BridgeLogLevel.Information, "confirmation_lapsed", "The caller did not confirm; the earlier request was dropped.", callId, requestId);
            }

            var action = SensitiveActions.Match(query);
            if (action != null)
            {
                var outcome = await _gate.AskAsync($"Voice request: {SpeechText.Preview(query, 200)}", $"During call {callId ?? "(unknown)"} the caller asked to {action}.",
                    first => { Enqueue(new JObject { ["type"] = "deep_tool_progress", ["request_id"] = requestId,
                        ["text"] = first ? "That needs your approval. I've sent a request to your phone." : "Still waiting for your approval on your phone." }); return Task.CompletedTask; },
                    _stop.Token, requestId).ConfigureAwait(false);
                var decided = $"Approval for a sensitive request ({action}): {outcome.Decision}" + (outcome.Error != null ? $" ({outcome.Error.ErrorId}: {outcome.Error.Message})" : "") + ".";
                var level = outcome.Decision == ApprovalDecision.Approved ? BridgeLogLevel.Information : BridgeLogLevel.Warning;
                Log.Write(level, "approval_decision", decided, callId, requestId, outcome.Decision == ApprovalDecision.Approved ? null : ApprovalGate.ErrorIdOf(outcome.Decision),
                    data: LogData.Of(("decision", outcome.Decision.ToString()), ("action", action), ("approval_id", outcome.RequestId)));
                switch (outcome.Decision)
                {
                    case ApprovalDecision.Approved:
                        break;
                    case ApprovalDecision.Denied:
                        return "That was declined on your phone, so I didn't do it.";
                    case ApprovalDecision.Timeout:
                        return "I didn't get your approval in time, so I didn't do it. Ask me again if you'd like to retry.";
                    case ApprovalDecision.NoDevices:
                        switch (_o.NoDevices)
                        {
                            case NoDevicesPolicy.Proceed:
                                Log.Write(BridgeLogLevel.Warning, "approval_skipped", "No approval device is registered; running the request as the no-devices policy says (Proceed).", callId, requestId);
                                break;
                            case NoDevicesPolicy.AskCaller when call != null:
                                call.Pending = new PendingConfirmation { Query = query, Context = context ?? "", Action = action, Expires = DateTimeOffset.UtcNow + _o.ConfirmationWindow };
                                return $"I have no phone to ask for approval, and that would {action}. Should I go ahead? Say yes to confirm, or no to cancel.";
                            default:
                                return "There's no device to approve that on, so I didn't do it.";
                        }
                        break;
                    case ApprovalDecision.NoDevicesReached:
                        return "I couldn't reach your phone to approve that, so I didn't do it.";
                    default:
                        if (outcome.Error == null) return "I didn't get a clear answer to the approval request, so I didn't do it.";
                        RecordError("ApprovalFailed", outcome.Error.Message);
                        return "I couldn't ask for your approval just now, so I didn't do it.";
                }
            }
            return await AskAgentVoiceAsync(query, context, callId, requestId).ConfigureAwait(false);
        }

        async Task<string> AskAgentVoiceAsync(string query, string? context, string? callId, string requestId)
        {
            var message = "[VOICE CALL] Respond concisely for speech. One to three short sentences; no markdown, lists or emoji."
                          + (string.IsNullOrWhiteSpace(context) ? "" : " Call context: " + OneLine(context!)) + "\n" + query;
            var reply = await AskGatewayAsync(message, _o.VoiceAskSeconds, _o.VoiceHardTimeout, callId, requestId).ConfigureAwait(false);
            switch (reply.Outcome)
            {
                case GatewayOutcome.Reply:
                    return SpeechText.ForSpeech(reply.Text);
                case GatewayOutcome.Accepted:
                    return StillWorking;
                default:
                    return reply.ErrorId switch
                    {
                        "GatewayToolNotAllowed" => "I can't reach your agent: its gateway doesn't allow the sessions_send tool. Add sessions_send to gateway.tools.allow in the OpenClaw configuration.",
                        "GatewayUnauthorized" => "I can't reach your agent: its gateway rejected my token.",
                        "GatewayTimeout" => "Your agent is taking too long to answer. Please try again in a moment.",
                        _ => "Sorry, I couldn't reach your agent just now. Please try again in a moment.",
                    };
            }
        }

        enum GatewayOutcome { Reply, Accepted, Failed }

        sealed class Asked
        {
            public GatewayOutcome Outcome;
            public string? Text, ErrorId, Error;
        }

        async Task<Asked> AskGatewayAsync(string message, int askSeconds, TimeSpan hard, string? callId, string? requestId)
        {
            try
            {
                var reply = await _gateway.SendAsync(_o.SessionKey, message, askSeconds, hard, _stop.Token).ConfigureAwait(false);
                Log.Write(BridgeLogLevel.Verbose, "gateway", $"The agent gateway answered ({reply.Shape}) in {reply.ElapsedMs:0} ms.", callId, requestId,
                    durationMs: reply.ElapsedMs, data: LogData.Of(("shape", reply.Shape)));
                if (reply.Kind == GatewayReplyKind.Accepted)
                {
                    Log.Write(BridgeLogLevel.Information, "gateway_accepted", "The agent took the message but has not answered yet; telling the caller it is still being worked on.", callId, requestId);
                    return new Asked { Outcome = GatewayOutcome.Accepted };
                }
                return new Asked { Outcome = GatewayOutcome.Reply, Text = reply.Text };
            }
            catch (GatewayException gx)
            {
                RecordError(gx.ErrorId, gx.Message);
                Log.Write(BridgeLogLevel.Error, "gateway_failed", gx.Message, callId, requestId, gx.ErrorId);
                return new Asked { Outcome = GatewayOutcome.Failed, ErrorId = gx.ErrorId, Error = gx.Message };
            }
        }

        static string OneLine(string s) => Regex.Replace(s, @"\s+", " ").Trim();

        // ---- push-to-talk ----------------------------------------------------------------------------

        async Task HandleWalkieAsync(JObject f)
        {
            var requestId = Json.Str(f, "request_id");
            var transcript = Json.Str(f, "transcript") ?? "";
            if (requestId == null) return;
            var key = "walkie:" + requestId;
            if (_answers.TryGet(key, out _) || !_inflight.TryAdd(key, 0))
            {
                Log.Write(BridgeLogLevel.Verbose, "walkie_repeat", "A repeated push-to-talk request was ignored.", null, requestId);
                return;
            }
            Interlocked.Increment(ref _received);
            var sessionKey = Json.Str(f, "session_key");
            if (sessionKey == null || !SessionKeyPattern.IsMatch(sessionKey)) sessionKey = _o.SessionKey;
            Log.Write(BridgeLogLevel.Information, "walkie_request", $"Push-to-talk message for session {sessionKey}.", null, requestId, data: LogData.Of(("session_key", sessionKey)));
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "walkie_transcript", "Transcript: " + transcript, null, requestId);
            var frame = new JObject { ["type"] = "walkie_response", ["request_id"] = requestId };
            try
            {
                var message = "[WALKIE-TALKIE] Push-to-talk message. Reply briefly; your reply is spoken.\n" + transcript;
                var reply = await _gateway.SendAsync(sessionKey, message, _o.VoiceAskSeconds, _o.VoiceHardTimeout, _stop.Token).ConfigureAwait(false);
                frame["reply"] = reply.Kind == GatewayReplyKind.Reply ? SpeechText.ForSpeech(reply.Text) : StillWorking;
                Log.Write(BridgeLogLevel.Verbose, "gateway", $"The agent gateway answered ({reply.Shape}) in {reply.ElapsedMs:0} ms.", null, requestId, durationMs: reply.ElapsedMs);
            }
            catch (GatewayException gx)
            {
                RecordError(gx.ErrorId, gx.Message);
                Log.Write(BridgeLogLevel.Error, "gateway_failed", gx.Message, null, requestId, gx.ErrorId);
                frame["reply"] = gx.ErrorId == "GatewayToolNotAllowed"
                    ? "I can't reach your agent: add sessions_send to gateway.tools.allow in the OpenClaw configuration."
                    : "Sorry, I couldn't reach your agent just now.";
                frame["error"] = Secrets.Redact(gx.Message, _o.ApiKey, _o.GatewayToken);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                _inflight.TryRemove(key, out _);
                return;
            }
            _answers.Set(key, (string?)frame["reply"] ?? "");
            _inflight.TryRemove(key, out _);
            Enqueue(frame, onSent: () =>
            {
                Interlocked.Increment(ref _answered);
                Log.Write(BridgeLogLevel.Information, "walkie_response", "Answered the push-to-talk message.", null, requestId);
            });
        }

        // ---- SMS -------------------------------------------------------------------------------------

        async Task HandleSmsAsync(JObject f)
        {
            var from = Json.Str(f, "from");
            var body = Json.Str(f, "body") ?? "";
            var messageId = Json.Str(f, "message_id");
            if (from == null) return;
            if (messageId != null && !_seenSms.Add(messageId, true))
            {
                Log.Write(BridgeLogLevel.Verbose, "sms_repeat", $"Text {messageId} arrived again; ignored.");
                return;
            }
            var sender = PhoneText.Normalize(from) ?? from;
            if (_o.SmsAllowlist != null && !_o.SmsAllowlist.Contains(sender))
            {
                Log.Write(BridgeLogLevel.Information, "sms_ignored", $"Text from {sender} ignored: the sender is not in the SMS allowlist.", data: LogData.Of(("from", sender), ("message_id", messageId)));
                return;
            }
            Interlocked.Increment(ref _received);
            Log.Write(BridgeLogLevel.Information, "sms_received", $"Text from {sender}; asking the agent.", data: LogData.Of(("from", sender), ("message_id", messageId)));
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "sms_body", "Body: " + body);

            var text = body;
            if (_smsPending.TryRemove(sender, out var pending) && pending.Expires > DateTimeOffset.UtcNow)
            {
                if (Confirmation.IsYes(body))
                {
                    Log.Write(BridgeLogLevel.Information, "confirmed_by_sender", $"{sender} confirmed the {pending.Action} request by text (no approval device); running it.");
                    text = pending.Query;
                    await AskAndReplyAsync(sender, text).ConfigureAwait(false);
                    return;
                }
                if (Confirmation.IsNo(body))
                {
                    await SendSmsAsync(sender, "OK, cancelled.").ConfigureAwait(false);
                    return;
                }
            }
            var action = SensitiveActions.Match(body);
            if (action != null)
            {
                var outcome = await _gate.AskAsync($"Text from {sender}: {SpeechText.Preview(body, 200)}", $"A text from {sender} asks to {action}.", null, _stop.Token).ConfigureAwait(false);
                Log.Write(outcome.Decision == ApprovalDecision.Approved ? BridgeLogLevel.Information : BridgeLogLevel.Warning, "approval_decision",
                    $"Approval for a sensitive text ({action}): {outcome.Decision}.", errorId: outcome.Decision == ApprovalDecision.Approved ? null : ApprovalGate.ErrorIdOf(outcome.Decision),
                    data: LogData.Of(("decision", outcome.Decision.ToString()), ("action", action), ("approval_id", outcome.RequestId)));
                string? refusal = null;
                switch (outcome.Decision)
                {
                    case ApprovalDecision.Approved: break;
                    case ApprovalDecision.Denied: refusal = "Not done: that was declined on the owner's phone."; break;
                    case ApprovalDecision.Timeout: refusal = "Not done: no approval came in time. Send it again to retry."; break;
                    case ApprovalDecision.NoDevices:
                        if (_o.NoDevices == NoDevicesPolicy.Proceed) break;
                        if (_o.NoDevices == NoDevicesPolicy.AskCaller)
                        {
                            _smsPending[sender] = new PendingConfirmation { Query = body, Action = action, Expires = DateTimeOffset.UtcNow + _o.ConfirmationWindow };
                            refusal = $"That would {action}. Reply YES to go ahead or NO to cancel.";
                        }
                        else refusal = "Not done: there is no device to approve it on.";
                        break;
                    default: refusal = "Not done: the approval could not be requested."; break;
                }
                if (refusal != null)
                {
                    await SendSmsAsync(sender, refusal).ConfigureAwait(false);
                    return;
                }
            }
            await AskAndReplyAsync(sender, text).ConfigureAwait(false);
        }

        async Task AskAndReplyAsync(string sender, string body)
        {
            var message = $"[SMS from {sender}] Reply concisely (under 300 chars). No markdown.\n{body}";
            var reply = await AskGatewayAsync(message, _o.SmsAskSeconds, _o.SmsHardTimeout, null, null).ConfigureAwait(false);
            if (reply.Outcome == GatewayOutcome.Accepted)
            {
                Log.Write(BridgeLogLevel.Information, "sms_no_reply", $"The agent took the text from {sender} but has not answered; no reply was sent (the agent can text back itself).");
                return;
            }
            if (reply.Outcome == GatewayOutcome.Failed) return;
            var text = SpeechText.ForSms(reply.Text);
            if (text == null)
            {
                Log.Write(BridgeLogLevel.Information, "sms_no_reply", $"The agent's answer to {sender} was empty; no reply was sent.");
                return;
            }
            await SendSmsAsync(sender, text).ConfigureAwait(false);
        }

        async Task SendSmsAsync(string to, string text)
        {
            var body = new JObject { ["to"] = to, ["message"] = SpeechText.Cut(text, SpeechText.MaxSmsChars) };
            try
            {
                await _api.SendAsync(HttpMethod.Post, "messages/send", body, RequestKind.Create, _stop.Token,
                    m => Log.Write(BridgeLogLevel.Verbose, "api", m), "Message", to).ConfigureAwait(false);
                Interlocked.Increment(ref _smsReplies);
                Interlocked.Increment(ref _answered);
                Log.Write(BridgeLogLevel.Information, "sms_reply_sent", $"Replied to {to} ({text.Length} characters).", data: LogData.Of(("to", to), ("length", text.Length)));
            }
            catch (ClawdTalkException ex)
            {
                RecordError(ex.ErrorId, ex.Message);
                Log.Write(BridgeLogLevel.Error, "sms_reply_failed", $"The reply to {to} could not be sent: {ex.Message}", errorId: ex.ErrorId);
            }
        }

        static Exception Innermost(Exception e)
        {
            if (e is AggregateException a && a.InnerExceptions.Count == 1) e = a.InnerExceptions[0];
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        sealed class FatalStop : Exception { }

        /// <summary>One WebSocket connection and what the loop knows about it.</summary>
        sealed class Connection
        {
            public ClientWebSocket Ws = null!;
            public CancellationTokenSource? Token;
            public long OpenedTicks, LastReceivedTicks;
            public volatile bool Authenticated, PongSeen, Closing;
            public DateTimeOffset? AuthenticatedAt;
            public int? CloseCode;
            public string? CloseReason, AbortReason;
            public Task? Sender, Watchdog;

            /// <summary>Asks the sender to finish what is queued and close normally.</summary>
            public void RequestClose(SemaphoreSlim signal)
            {
                Closing = true;
                try { signal.Release(); } catch (ObjectDisposedException) { }
            }
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
