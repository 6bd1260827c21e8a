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
                        var head = await ReadHead(stream);
                        if (head == null) return;
                        var lines = head.Split("\r\n");
                        var first = lines[0].Split(' ');
                        var headers = lines.Skip(1).Where(l => l.Contains(':'))
                            .Select(l => (l[..l.IndexOf(':')].Trim(), l[(l.IndexOf(':') + 1)..].Trim()))
                            .GroupBy(h => h.Item1, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.OrdinalIgnoreCase);
                        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
                        var body = new byte[length];
                        var read = 0;
                        while (read < length) { var n = await stream.ReadAsync(body.AsMemory(read), _cts.Token); if (n == 0) return; read += n; }
                        Requests.Enqueue(new Request(first[0], first[1], headers, Encoding.UTF8.GetString(body)));
                        var reply = _script.TryDequeue(out var r) ? r : Fallback;
                        if (reply.Hang) { await Task.Delay(Timeout.Infinite, _cts.Token); return; }
                        if (reply.Reset) { client.Client.LingerState = new LingerOption(true, 0); client.Client.Close(); return; }
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

        async Task<string?> ReadHead(NetworkStream stream)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                var n = await stream.ReadAsync(one, _cts.Token);
                if (n == 0) return null;
                buffer.Add(one[0]);
                var c = buffer.Count;
                if (c >= 4 && buffer[c - 4] == '\r' && buffer[c - 3] == '\n' && buffer[c - 2] == '\r' && buffer[c - 1] == '\n')
                    return Encoding.ASCII.GetString(buffer.ToArray(), 0, c - 4);
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            _listener.Stop();
        }
    }
}
