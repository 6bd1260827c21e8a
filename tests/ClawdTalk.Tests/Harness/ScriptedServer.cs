using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// A loopback HTTP/1.1 server that answers from a script of canned responses (status, headers, body, or a hang or a
    /// dropped connection), recording every request. It drives the client pipeline's failure paths precisely; end-to-end
    /// behaviour is tested against the sandbox.
    /// </summary>
    public sealed class ScriptedServer : IDisposable
    {
        public sealed record Request(string Method, string Path, Dictionary<string, string> Headers, string Body);
        public sealed record Reply(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null, bool Hang = false, bool Reset = false);

        readonly TcpListener _listener;
        readonly CancellationTokenSource _cts = new();
        readonly ConcurrentQueue<Reply> _script = new();
        public ConcurrentQueue<Request> Requests { get; } = new();
        public Reply Fallback { get; set; } = new(200, "{\"missions\":[]}");

        public ScriptedServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _ = AcceptLoop();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public string Url => $"http://127.0.0.1:{Port}";

        public ScriptedServer Then(params Reply[] replies)
        {
            foreach (var r in replies) _script.Enqueue(r);
            return this;
        }

        async Task AcceptLoop()
        {
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
                catch (Exception) { return; }
                _ = Serve(client);
            }
        }

        async Task Serve(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                try
                {
                    while (!_cts.IsCancellationRequested)
                    {
                        var r0 = await RawHttp.ReadAsync(stream, _cts.Token);
                        if (r0 == null) return;
                        Requests.Enqueue(new Request(r0.Method, r0.Path, r0.Headers, r0.BodyText));
                        var reply = _script.TryDequeue(out var r) ? r : Fallback;
                        if (reply.Hang) { await Task.Delay(Timeout.Infinite, _cts.Token); return; }
                        if (reply.Reset) { RawHttp.Reset(client); return; }
                        var payload = Encoding.UTF8.GetBytes(reply.Body);
                        var sb = new StringBuilder($"HTTP/1.1 {reply.Status} {(HttpStatusCode)reply.Status}\r\nContent-Length: {payload.Length}\r\n");
                        if (reply.Body.Length > 0 && !(reply.Headers?.ContainsKey("Content-Type") ?? false)) sb.Append("Content-Type: application/json\r\n");
                        foreach (var h in reply.Headers ?? new Dictionary<string, string>()) sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
                        sb.Append("\r\n");
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()), _cts.Token);
                        await stream.WriteAsync(payload, _cts.Token);
                    }
                }
                catch (Exception) { /* client went away or the server stopped */ }
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            _listener.Stop();
        }
    }
}
