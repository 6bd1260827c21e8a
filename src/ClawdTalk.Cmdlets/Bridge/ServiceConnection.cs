using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The connection to the service: one WebSocket at a time, authenticated with the key, kept alive, reconnected with
    /// capped, jittered exponential backoff (a fixed wait after HTTP 429), and given up on only for a refused key or when
    /// another client with the same key keeps taking the connection over (close code 4000). Frames other than the
    /// connection's own (auth, ping, pong) go to the <see cref="FrameRouter"/>.
    /// </summary>
    internal sealed class ServiceConnection
    {
        // .NET 9+ (PowerShell 7.5+): the runtime's own ping/pong keep-alive with a timeout; .NET 7+: the HTTP status of a failed upgrade
        static readonly PropertyInfo? KeepAliveTimeoutProperty = typeof(ClientWebSocketOptions).GetProperty("KeepAliveTimeout");
        static readonly PropertyInfo? CollectDetailsProperty = typeof(ClientWebSocketOptions).GetProperty("CollectHttpResponseDetails");
        static readonly PropertyInfo? HttpStatusProperty = typeof(ClientWebSocket).GetProperty("HttpStatusCode");

        readonly BridgeCore _core;
        readonly BridgeOptions _o;
        readonly FrameRouter _router;
        readonly Action _sweep;
        readonly Random _random = new Random();

        public ServiceConnection(BridgeCore core, FrameRouter router, Action sweep)
        {
            _core = core;
            _o = core.Options;
            _router = router;
            _sweep = sweep;
        }

        public ServiceSocket? Current { get; private set; }
        /// <summary>Why the bridge stopped on its own (auth_error, duplicate client); null when it was stopped or still runs.</summary>
        public ClawdTalkException? Fatal { get; private set; }

        BridgeLogger Log => _core.Log;

        public async Task RunAsync()
        {
            var attempt = 0;
            var duplicateCloses = 0;
            while (!_core.IsStopping)
            {
                var conn = new ServiceSocket();
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
                            Fail(ErrorIds.BridgeAuthFailed, ErrorCategory.AuthenticationError,
                                "The service refused the WebSocket connection with HTTP 401: the API key is not valid. The bridge stopped and will not reconnect; check the key with Test-ClawdTalkConnection.");
                            break;
                        }
                    }
                    else
                    {
                        Current = conn;
                        await conn.ReceiveLoopAsync(OnFrame, Log).ConfigureAwait(false);
                        reason = conn.CloseCode.HasValue ? $"closed by the service ({conn.Describe()})" : "connection ended";
                    }
                }
                catch (FatalStop)
                {
                    break;
                }
                catch (Exception ex) when (ex is WebSocketException || ex is IOException || ex is OperationCanceledException || ex is HttpRequestException || ex is ObjectDisposedException)
                {
                    if (_core.IsStopping) break;
                    reason = conn.AbortReason ?? $"connection lost ({BridgeCore.Innermost(ex).Message})";
                }
                finally
                {
                    await conn.TeardownAsync(_core.Queue).ConfigureAwait(false);
                    Current = null;
                }
                if (_core.IsStopping) break;

                if (conn.CloseCode == 4000)
                {
                    duplicateCloses++;
                    if (duplicateCloses >= _o.DuplicateCloseLimit)
                    {
                        Fail(ErrorIds.BridgeDuplicateClient, ErrorCategory.ResourceExists,
                            $"Another client with the same API key took over the connection {duplicateCloses} times in a row (close code 4000). " +
                            "A second bridge (or the published connect.sh) is running with this key somewhere; the bridge stopped instead of fighting it. Stop the other one, then start this bridge again.");
                        break;
                    }
                    _core.RecordError(ErrorIds.BridgeReplaced, $"Another client with the same API key took over the connection (close code 4000), {duplicateCloses} of {_o.DuplicateCloseLimit}.");
                    Log.Write(BridgeLogLevel.Warning, "replaced", $"Another client with the same API key took over (close code 4000); {duplicateCloses} of {_o.DuplicateCloseLimit} in a row before the bridge gives up.",
                        errorId: ErrorIds.BridgeReplaced);
                }
                else if (conn.CloseCode.HasValue) duplicateCloses = 0;

                if (conn.AuthenticatedAt.HasValue && DateTimeOffset.UtcNow - conn.AuthenticatedAt.Value >= _o.StablePeriod) attempt = 0;
                TimeSpan delay, nominal;
                if (rateLimited)
                {
                    nominal = delay = _o.RateLimitDelay;
                    _core.RecordError(ErrorIds.BridgeRateLimited, $"The service answered 429 to the WebSocket connection; waiting {delay.TotalSeconds:0.#} s.");
                }
                else (delay, nominal) = Backoff(attempt++);
                _core.Health.CountReconnect();
                _core.Health.SetState(BridgeState.Reconnecting);
                if (!rateLimited && !conn.CloseCode.HasValue) _core.RecordError(ErrorIds.BridgeConnectionLost, reason);
                Log.Write(BridgeLogLevel.Warning, "reconnect_scheduled", $"Bridge {reason}; reconnecting in {delay.TotalSeconds:0.###} s.",
                    data: LogData.Of(("attempt", attempt), ("nominal_ms", Math.Round(nominal.TotalMilliseconds)), ("delay_ms", Math.Round(delay.TotalMilliseconds)),
                        ("close_code", conn.CloseCode), ("rate_limited", rateLimited)));
                try { await Task.Delay(delay, _core.Stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
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
            _core.RecordError(errorId, message);
            Log.Write(BridgeLogLevel.Error, "fatal", message, errorId: errorId);
        }

        /// <summary>Opens the socket; returns the HTTP status when the upgrade was refused, null when connected.</summary>
        async Task<int?> ConnectAsync(ServiceSocket conn)
        {
            _core.Health.SetState(_core.Health.Reconnects == 0 ? BridgeState.Connecting : BridgeState.Reconnecting);
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
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_core.Stopping);
            limit.CancelAfter(_o.ConnectTimeout);
            try
            {
                await ws.ConnectAsync(_o.WebSocketUri, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException || ex is HttpRequestException || ex is OperationCanceledException || ex is IOException)
            {
                if (_core.IsStopping) throw;
                var status = StatusOf(ws, ex);
                if (status != null && status != 101)
                {
                    Log.Write(BridgeLogLevel.Warning, status == 429 ? "rate_limited" : "connect_refused",
                        status == 429 ? $"The service answered 429 (rate limited) to the WebSocket connection; waiting {_o.RateLimitDelay.TotalSeconds:0.#} s before the next try."
                                      : $"The service refused the WebSocket connection with HTTP {status}.",
                        errorId: status == 429 ? ErrorIds.BridgeRateLimited : ErrorIds.BridgeConnectRefused, data: LogData.Of(("status", status)));
                    return status;
                }
                var message = ex is OperationCanceledException ? $"no answer within {_o.ConnectTimeout.TotalSeconds:0.#} s" : BridgeCore.Innermost(ex).Message;
                conn.AbortReason = $"could not connect to {_o.WebSocketUri} ({message})";
                _core.RecordError(ErrorIds.BridgeConnectFailed, conn.AbortReason);
                throw new WebSocketException(conn.AbortReason, ex);
            }
            conn.OpenedTicks = conn.LastReceivedTicks = Stopwatch.GetTimestamp();
            conn.Token = CancellationTokenSource.CreateLinkedTokenSource(_core.Stopping);
            Log.Write(BridgeLogLevel.Information, "connected", $"Connected to {_o.WebSocketUri}; authenticating.");
            var auth = new JObject { ["type"] = "auth", ["api_key"] = _o.ApiKey };
            if (!string.IsNullOrWhiteSpace(_o.OwnerName)) auth["owner_name"] = _o.OwnerName;
            if (!string.IsNullOrWhiteSpace(_o.AgentName)) auth["agent_name"] = _o.AgentName;
            var bytes = Encoding.UTF8.GetBytes(auth.ToString(Formatting.None));
            await ws.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            Array.Clear(bytes, 0, bytes.Length);
            conn.Watchdog = Task.Run(() => conn.WatchdogAsync(_o, Log, _core.Queue, _sweep));
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

        /// <summary>The connection's own frames (auth, ping, pong); everything else goes to the router.</summary>
        void OnFrame(ServiceSocket conn, string text, long received)
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
            switch (Json.Str(frame, "type"))
            {
                case "auth_ok":
                    conn.Authenticated = true;
                    conn.AuthenticatedAt = DateTimeOffset.UtcNow;
                    _core.Health.SetState(BridgeState.Authenticated);
                    Log.Write(BridgeLogLevel.Information, "authenticated", "Authenticated; the bridge answers calls, texts and push-to-talk.");
                    // the account's own owner phone, when the service tells it (the contract does not promise it: read if present)
                    var ownerPhone = Json.Str(frame, "owner_phone", "owner_number", "phone_number");
                    if (ownerPhone != null && _core.AddOwner(ownerPhone))
                        Log.Write(BridgeLogLevel.Information, "owner_number_from_service", $"The service gave the account's owner phone, {PhoneText.Normalize(ownerPhone)}: texts from it reach the agent.");
                    conn.Sender = Task.Run(() => _core.Queue.SendLoopAsync(conn));
                    return;
                case "auth_error":
                    var why = Json.Str(frame, "message") ?? "no reason given";
                    Fail(ErrorIds.BridgeAuthFailed, ErrorCategory.AuthenticationError,
                        $"The service rejected the bridge's API key (auth_error: {why}). The bridge stopped and will not reconnect; check the key with Test-ClawdTalkConnection.");
                    conn.RequestClose(_core.Queue);
                    throw new FatalStop();
                case "pong":
                    conn.PongSeen = true;
                    return;
                case "ping":
                    _core.Queue.Enqueue(new JObject { ["type"] = "pong" }, conn);
                    return;
                default:
                    _router.Route(frame, received);
                    return;
            }
        }

        sealed class FatalStop : Exception { }
    }
}
