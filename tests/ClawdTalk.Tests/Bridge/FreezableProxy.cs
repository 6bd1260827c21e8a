using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// A loopback TCP proxy whose open connections can be frozen: nothing passes any more in either direction, but no
    /// FIN or RST is sent either, which is what a dead network path looks like. New connections pass normally.
    /// </summary>
    public sealed class FreezableProxy : IDisposable
    {
        sealed class Pair
        {
            public TcpClient Client = null!, Server = null!;
            public volatile bool Frozen;
        }

        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly int _target;
        readonly CancellationTokenSource _cts = new();
        readonly List<Pair> _pairs = new();

        public FreezableProxy(int targetPort)
        {
            _target = targetPort;
            _listener.Start();
            _ = AcceptLoop();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public string Url => $"http://127.0.0.1:{Port}";
        public int Connections { get { lock (_pairs) return _pairs.Count; } }

        public void FreezeAll()
        {
            lock (_pairs) foreach (var p in _pairs) p.Frozen = true;
        }

        async Task AcceptLoop()
        {
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
                catch (Exception) { return; }
                var server = new TcpClient();
                try { await server.ConnectAsync(IPAddress.Loopback, _target, _cts.Token); }
                catch (Exception) { client.Dispose(); continue; }
                var pair = new Pair { Client = client, Server = server };
                lock (_pairs) _pairs.Add(pair);
                _ = Pump(client.GetStream(), server.GetStream(), pair);
                _ = Pump(server.GetStream(), client.GetStream(), pair);
            }
        }

        async Task Pump(NetworkStream from, NetworkStream to, Pair pair)
        {
            var buffer = new byte[16384];
            try
            {
                while (true)
                {
                    var n = await from.ReadAsync(buffer, _cts.Token);
                    if (pair.Frozen) await Task.Delay(Timeout.Infinite, _cts.Token);
                    if (n == 0) { to.Socket.Shutdown(SocketShutdown.Send); return; }
                    await to.WriteAsync(buffer.AsMemory(0, n), _cts.Token);
                }
            }
            catch (Exception)
            {
                if (!pair.Frozen) { pair.Client.Dispose(); pair.Server.Dispose(); }
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            _listener.Stop();
            lock (_pairs) foreach (var p in _pairs) { p.Client.Dispose(); p.Server.Dispose(); }
        }
    }
}
