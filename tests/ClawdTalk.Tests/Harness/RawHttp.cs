using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// The few lines of HTTP/1.1 that the loopback test servers (ScriptedServer, CrashingProxy) speak by hand, so they
    /// can hang, drop or cut a connection exactly where a test needs it.
    /// </summary>
    public static class RawHttp
    {
        public sealed record Request(string Method, string Path, Dictionary<string, string> Headers, byte[] Body)
        {
            public string BodyText => Encoding.UTF8.GetString(Body);
        }

        /// <summary>Reads one request (head and Content-Length body); null when the client closed the connection.</summary>
        public static async Task<Request?> ReadAsync(NetworkStream stream, CancellationToken ct)
        {
            var head = await ReadHead(stream, ct);
            if (head == null) return null;
            var lines = head.Split("\r\n");
            var first = lines[0].Split(' ');
            var headers = lines.Skip(1).Where(l => l.Contains(':'))
                .Select(l => (l[..l.IndexOf(':')].Trim(), l[(l.IndexOf(':') + 1)..].Trim()))
                .GroupBy(h => h.Item1, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.OrdinalIgnoreCase);
            var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
            var body = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await stream.ReadAsync(body.AsMemory(read), ct);
                if (n == 0) return null;
                read += n;
            }
            return new Request(first[0], first[1], headers, body);
        }

        /// <summary>Drops the connection with a TCP reset, as a crashed server would.</summary>
        public static void Reset(TcpClient client)
        {
            try { client.Client.LingerState = new LingerOption(true, 0); client.Client.Close(); } catch (Exception) { }
        }

        static async Task<string?> ReadHead(NetworkStream stream, CancellationToken ct)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                var n = await stream.ReadAsync(one, ct);
                if (n == 0) return null;
                buffer.Add(one[0]);
                var c = buffer.Count;
                if (c >= 4 && buffer[c - 4] == '\r' && buffer[c - 3] == '\n' && buffer[c - 2] == '\r' && buffer[c - 1] == '\n')
                    return Encoding.ASCII.GetString(buffer.ToArray(), 0, c - 4);
            }
        }
    }
}
