using System.Net.WebSockets;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Every frame the bridge sends goes through this one queue and one sender per connection, in order. Pings and pongs
    /// belong to the connection they were queued for; answers outlive it: one that could not be sent waits for the next
    /// connection instead of being lost. Beyond the cap the oldest frame is dropped (and logged).
    /// </summary>
    internal sealed class SendQueue
    {
        readonly LinkedList<Outgoing> _queue = new LinkedList<Outgoing>();
        readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
        readonly int _max;
        readonly BridgeLogger _log;

        public SendQueue(int max, BridgeLogger log)
        {
            _max = max;
            _log = log;
        }

        sealed class Outgoing
        {
            public byte[] Bytes = Array.Empty<byte>();
            public string Type = "";
            public ServiceSocket? Bound;
            public Action? OnSent;
        }

        /// <summary>Queues a frame; <paramref name="bound"/> ties it to one connection (pings, pongs).</summary>
        public void Enqueue(JObject frame, ServiceSocket? bound = null, Action? onSent = null)
        {
            var item = new Outgoing { Bytes = Encoding.UTF8.GetBytes(frame.ToString(Formatting.None)), Type = Json.Str(frame, "type") ?? "", Bound = bound, OnSent = onSent };
            Outgoing? dropped = null;
            lock (_queue)
            {
                _queue.AddLast(item);
                if (_queue.Count > _max)
                {
                    dropped = _queue.First!.Value;
                    _queue.RemoveFirst();
                }
            }
            if (dropped != null)
                _log.Write(BridgeLogLevel.Warning, "queue_full", $"More than {_max} frames wait for a connection; the oldest ({dropped.Type}) was dropped.");
            Wake();
        }

        /// <summary>Wakes the sender (a new frame, or a close was asked for).</summary>
        public void Wake()
        {
            try { _signal.Release(); } catch (ObjectDisposedException) { }
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
        public async Task SendLoopAsync(ServiceSocket conn)
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
                                _log.Write(BridgeLogLevel.Verbose, "send_deferred", $"A {item.Type} frame could not be sent; it goes out on the next connection.");
                            }
                            return;
                        }
                        if (item.Type != "ping" && item.Type != "pong") _log.Write(BridgeLogLevel.Verbose, "frame_sent", $"Sent {item.Type}.");
                        item.OnSent?.Invoke();
                    }
                    if (conn.Closing)
                    {
                        await conn.CloseNormallyAsync().ConfigureAwait(false);
                        return;
                    }
                    await _signal.WaitAsync().ConfigureAwait(false);
                }
            }
            catch (ObjectDisposedException) { }
        }
    }
}
