using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// One WebSocket connection to the service and what the connection loop knows about it: its receive loop (whole
    /// frames, size-capped), its watchdog (auth timeout, JSON pings, dead-connection detection) and its teardown.
    /// </summary>
    internal sealed class ServiceSocket
    {
        public const int MaxFrameBytes = 1 << 20;

        public ClientWebSocket Ws = null!;
        public CancellationTokenSource? Token;
        public long OpenedTicks, LastReceivedTicks;
        public volatile bool Authenticated, PongSeen, Closing;
        public DateTimeOffset? AuthenticatedAt;
        public int? CloseCode;
        public string? CloseReason, AbortReason;
        public Task? Sender, Watchdog;

        /// <summary>Asks the sender to finish what is queued and close normally.</summary>
        public void RequestClose(SendQueue queue)
        {
            Closing = true;
            queue.Wake();
        }

        public async Task CloseNormallyAsync()
        {
            if (Ws.State != WebSocketState.Open && Ws.State != WebSocketState.CloseReceived) return;
            try
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bridge stopped", t.Token).ConfigureAwait(false);
            }
            catch (Exception) { }
        }

        /// <summary>Reads whole text frames and hands each to <paramref name="onFrame"/> until the service closes.</summary>
        public async Task ReceiveLoopAsync(Action<ServiceSocket, string, long> onFrame, BridgeLogger log)
        {
            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var r = await Ws.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    CloseCode = (int?)Ws.CloseStatus;
                    CloseReason = Ws.CloseStatusDescription;
                    log.Write(BridgeLogLevel.Verbose, "closed", $"The service closed the connection ({Describe()}).", data: LogData.Of(("close_code", CloseCode)));
                    return;
                }
                message.Write(buffer, 0, r.Count);
                if (message.Length > MaxFrameBytes)
                {
                    AbortReason = $"a frame larger than {MaxFrameBytes / 1024} KiB arrived";
                    Ws.Abort();
                    return;
                }
                if (!r.EndOfMessage) continue;
                var received = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref LastReceivedTicks, received);
                if (r.MessageType != WebSocketMessageType.Text) { message.SetLength(0); continue; }
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                onFrame(this, text, received);
            }
        }

        public string Describe() => $"{CloseCode}{(string.IsNullOrEmpty(CloseReason) ? "" : ": " + CloseReason)}";

        /// <summary>
        /// Pings the service (a JSON ping every keep-alive interval) and notices a dead connection: once the service has
        /// shown that it answers pings, a ping with no frame or pong after it within the timeout aborts the socket and the
        /// loop reconnects. Before authentication it enforces the auth timeout. Runs next to the runtime's own keep-alive.
        /// </summary>
        public async Task WatchdogAsync(BridgeOptions o, BridgeLogger log, SendQueue queue, Action sweep)
        {
            var tick = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(500, Math.Min(o.KeepAliveTimeout.TotalMilliseconds, o.KeepAliveInterval.TotalMilliseconds) / 4)));
            var freq = (double)Stopwatch.Frequency;
            long lastPing = 0;
            var warnedNoPong = false;
            var lastSweep = Stopwatch.GetTimestamp();
            try
            {
                while (!Token!.IsCancellationRequested)
                {
                    await Task.Delay(tick, Token.Token).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    if (!Authenticated)
                    {
                        if ((now - OpenedTicks) / freq > o.AuthTimeout.TotalSeconds)
                        {
                            AbortReason = $"no answer to the auth frame within {o.AuthTimeout.TotalSeconds:0.#} s";
                            log.Write(BridgeLogLevel.Warning, "watchdog", $"The service did not answer the auth frame within {o.AuthTimeout.TotalSeconds:0.#} s; reconnecting.");
                            Ws.Abort();
                            return;
                        }
                        continue;
                    }
                    var lastReceived = Interlocked.Read(ref LastReceivedTicks);
                    var awaitingPong = lastPing != 0 && lastReceived < lastPing;
                    if (awaitingPong)
                    {
                        if ((now - lastPing) / freq > o.KeepAliveTimeout.TotalSeconds)
                        {
                            if (PongSeen)
                            {
                                var silent = (now - lastReceived) / freq;
                                AbortReason = $"no frame or pong for {silent:0.#} s (watchdog)";
                                log.Write(BridgeLogLevel.Warning, "watchdog", $"No frame or pong for {silent:0.#} s: the connection is dead; reconnecting.",
                                    data: LogData.Of(("silent_ms", Math.Round(silent * 1000))));
                                Ws.Abort();
                                return;
                            }
                            if (!warnedNoPong)
                            {
                                warnedNoPong = true;
                                log.Write(BridgeLogLevel.Verbose, "keepalive", "The service does not answer JSON pings; relying on the WebSocket keep-alive to notice a dead connection.");
                            }
                            lastPing = 0;
                        }
                    }
                    else if ((now - (lastPing == 0 ? Math.Max(lastReceived, OpenedTicks) : lastPing)) / freq >= o.KeepAliveInterval.TotalSeconds)
                    {
                        lastPing = now;
                        queue.Enqueue(new JObject { ["type"] = "ping" }, this);
                    }
                    if ((now - lastSweep) / freq > 60)
                    {
                        lastSweep = now;
                        sweep();
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Lets the sender flush and close (2 s at most), stops the watchdog and disposes the socket.</summary>
        public async Task TeardownAsync(SendQueue queue)
        {
            if (Ws == null) return;
            RequestClose(queue);
            if (Sender != null)
            {
                var done = await Task.WhenAny(Sender, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                if (done != Sender) Ws.Abort();
                try { await Sender.ConfigureAwait(false); } catch (Exception) { }
            }
            else await CloseNormallyAsync().ConfigureAwait(false);
            Token?.Cancel();
            if (Watchdog != null)
                try { await Watchdog.ConfigureAwait(false); } catch (Exception) { }
            Token?.Dispose();
            Ws.Dispose();
        }
    }
}
