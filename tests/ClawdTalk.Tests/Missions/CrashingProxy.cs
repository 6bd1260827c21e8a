using System;
using ClawdTalk.Tests.Harness;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>
    /// A loopback HTTP proxy in front of the sandbox that simulates the client process dying at one request: the chosen
    /// request is either dropped before it reaches the sandbox (<see cref="CrashMode.Before"/>) or forwarded and its answer
    /// lost (<see cref="CrashMode.AnswerLost"/>) or held back forever (<see cref="CrashMode.AnswerHeld"/>, for Ctrl+C); from then
    /// on every connection is reset, as if the process were gone.
    /// </summary>
    public sealed class CrashingProxy : IDisposable
    {
        public enum CrashMode { Before, AnswerLost, AnswerHeld }
        public sealed record Seen(int Index, string Method, string Path);

        readonly TcpListener _listener;
        readonly CancellationTokenSource _cts = new();
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
        readonly string _target;
        readonly Func<Seen, bool> _crashAt;
        readonly CrashMode _mode;
        int _count;
        volatile bool _crashed;

        public CrashingProxy(string target, Func<Seen, bool> crashAt, CrashMode mode)
        {
            _target = target.TrimEnd('/');
            _crashAt = crashAt;
            _mode = mode;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _ = AcceptLoop();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public bool Crashed => _crashed;
        public ConcurrentQueue<Seen> Requests { get; } = new();

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
                        var raw = await RawHttp.ReadAsync(stream, _cts.Token);
                        if (raw == null) return;
                        var first = new[] { raw.Method, raw.Path };
                        var headers = raw.Headers;
                        var body = raw.Body;
                        var length = body.Length;

                        if (_crashed) { RawHttp.Reset(client); return; }
                        var seen = new Seen(Interlocked.Increment(ref _count), first[0], first[1]);
                        Requests.Enqueue(seen);
                        var crashHere = _crashAt(seen);
                        if (crashHere && _mode == CrashMode.Before) { _crashed = true; RawHttp.Reset(client); return; }

                        using var request = new HttpRequestMessage(new HttpMethod(first[0]), _target + first[1]);
                        if (headers.TryGetValue("Authorization", out var auth)) request.Headers.TryAddWithoutValidation("Authorization", auth);
                        if (length > 0) request.Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } };
                        using var response = await _http.SendAsync(request, _cts.Token);
                        var payload = await response.Content.ReadAsByteArrayAsync(_cts.Token);
                        if (crashHere && _mode == CrashMode.AnswerHeld) { _crashed = true; await Task.Delay(Timeout.Infinite, _cts.Token); }
                        if (crashHere) { _crashed = true; RawHttp.Reset(client); return; }

                        var sb = new StringBuilder($"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\nContent-Length: {payload.Length}\r\n");
                        if (response.Content.Headers.ContentType != null) sb.Append("Content-Type: ").Append(response.Content.Headers.ContentType).Append("\r\n");
                        // the service's own headers pass (Retry-After, Date, the sandbox's time scale): a proxy the client cannot tell from the service
                        foreach (var h in response.Headers)
                            if (!h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                                sb.Append(h.Key).Append(": ").Append(string.Join(", ", h.Value)).Append("\r\n");
                        sb.Append("\r\n");
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()), _cts.Token);
                        await stream.WriteAsync(payload, _cts.Token);
                    }
                }
                catch (Exception) { /* the client went away or the proxy stopped */ }
            }
        }

        public void Dispose()
        {
            _cts.Cancel();
            _listener.Stop();
            _http.Dispose();
        }
    }
}
