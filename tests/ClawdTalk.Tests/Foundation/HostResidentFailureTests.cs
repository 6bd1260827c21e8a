using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Xunit;
using ClawdTalk.Tests.Harness;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>
    /// A resident client that cannot hang: a server that is stopped (SIGSTOP) or killed, or that answers what the protocol
    /// does not allow, never keeps `clawdtalk` waiting. Before the server accepts a command, the client falls back to a
    /// cold start and prints exactly what the command prints (the server runs nothing before the client's Go); once a
    /// command runs, a broken answer ends the client with exit 1 and a message, never a crash. Real processes, real
    /// sockets; each test has a server (or a fake one) of its own on a private socket.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class HostResidentFailureTests
    {
        [DllImport("libc", SetLastError = true)]
        static extern int kill(int pid, int sig);

        const int SIGKILL = 9, SIGCONT = 18, SIGSTOP = 19;

        sealed record Run(int Code, string Stdout, string Stderr, List<string> Trace)
        {
            public bool Served => Trace.Any(l => l.StartsWith("clawdtalk: resident: served by", StringComparison.Ordinal));
            public bool Started => Trace.Any(l => l.StartsWith("clawdtalk: resident: started a resident server", StringComparison.Ordinal));
            public string Lines => string.Join("\n", Trace);
        }

        static string NewSocket()
        {
            var dir = Path.Combine(TestEnvironment.NewTempDir(), "run");
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return Path.Combine(dir, "host.sock");
        }

        /// <summary>One clawdtalk run on <paramref name="socket"/> (traced; the trace lines are taken out of stderr).</summary>
        static Run Exec(string socket, string resident, params string[] args)
        {
            var env = new Dictionary<string, string?>
            {
                ["CLAWDTALK_HOST_SOCKET"] = socket, ["CLAWDTALK_RESIDENT"] = resident, ["CLAWDTALK_RESIDENT_IDLE"] = "60s",
                // the answer limit is short here, so a stopped server costs this suite two seconds per run, not five
                ["CLAWDTALK_RESIDENT_TIMEOUT"] = "2s",
            };
            using var p = HostResidentTests.Start(args, env);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "clawdtalk did not exit: it hung on the resident server");
            var lines = stderr.Result.Split('\n');
            var trace = lines.Where(l => l.StartsWith("clawdtalk: resident:", StringComparison.Ordinal)).ToList();
            var rest = string.Join("\n", lines.Where(l => !l.StartsWith("clawdtalk: resident:", StringComparison.Ordinal)));
            return new Run(p.ExitCode, stdout.Result, rest, trace);
        }

        /// <summary>A resident server of its own on <paramref name="socket"/>, once it serves; returns its process.</summary>
        static Process StartServer(string socket)
        {
            var server = HostResidentTests.Start(new[] { "--serve" }, new Dictionary<string, string?> { ["CLAWDTALK_HOST_SOCKET"] = socket, ["CLAWDTALK_RESIDENT_IDLE"] = "60s" });
            server.ErrorDataReceived += (_, _) => { };
            server.OutputDataReceived += (_, _) => { };
            server.BeginErrorReadLine();
            server.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (Exec(socket, "manual,trace", "-Command", "$PID").Stdout.Trim() != server.Id.ToString())
            {
                Assert.False(server.HasExited || DateTime.UtcNow > deadline, "the resident server did not come up");
                Thread.Sleep(200);
            }
            return server;
        }

        static void End(Process p)
        {
            kill(p.Id, SIGCONT);
            if (!p.HasExited) { kill(p.Id, SIGKILL); p.WaitForExit(10_000); }
            p.Dispose();
        }

        /// <summary>What a cold run of the probe command prints: it names its own process, so the output shows where it ran.</summary>
        static readonly string[] Probe = { "-Command", "'first line'; Write-Error 'on stderr'; \"pid=$PID\"; exit 4" };

        static void AssertRanCold(Run r, int serverPid)
        {
            Assert.False(r.Served, "the command was served by the broken server: " + r.Lines);
            Assert.Equal(4, r.Code);
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("first line", lines[0]);
            Assert.StartsWith("pid=", lines[1]);
            Assert.NotEqual("pid=" + serverPid, lines[1]);
            Assert.Contains("on stderr", r.Stderr);
        }

        [Fact]
        public void A_stopped_server_is_not_waited_for_the_command_runs_cold_and_prints_what_it_prints()
        {
            var socket = NewSocket();
            var server = StartServer(socket);
            try
            {
                Assert.Equal(0, kill(server.Id, SIGSTOP));
                var r = Exec(socket, "manual,trace", Probe);
                AssertRanCold(r, server.Id);
                Assert.Contains(r.Trace, l => l.Contains("did not answer (nothing heard for 2 s)", StringComparison.Ordinal));

                // woken up, it never runs what the client gave up on, and serves the next command
                Assert.Equal(0, kill(server.Id, SIGCONT));
                Assert.Equal(server.Id.ToString(), Exec(socket, "manual,trace", "-Command", "$PID").Stdout.Trim());
            }
            finally { End(server); }
        }

        [Fact]
        public void A_killed_server_is_not_waited_for_the_command_runs_cold()
        {
            var socket = NewSocket();
            var server = StartServer(socket);
            try
            {
                Assert.Equal(0, kill(server.Id, SIGKILL));
                Assert.True(server.WaitForExit(10_000));
                Assert.True(File.Exists(socket), "the killed server's socket file should still be there");
                var r = Exec(socket, "manual,trace", Probe);
                AssertRanCold(r, server.Id);
                Assert.Contains(r.Trace, l => l.Contains("no resident server at", StringComparison.Ordinal));
            }
            finally { End(server); }
        }

        [Fact]
        public void A_stopped_server_is_replaced_when_servers_start_on_demand_and_leaves_when_it_wakes()
        {
            var socket = NewSocket();
            var old = StartServer(socket);
            Process? replacement = null;
            try
            {
                Assert.Equal(0, kill(old.Id, SIGSTOP));
                var r = Exec(socket, "trace", "-Command", "'served'; $PID");
                Assert.True(r.Started && r.Served, r.Lines);
                var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.Equal("served", lines[0]);
                var pid = int.Parse(lines[1]);
                Assert.NotEqual(old.Id, pid);
                replacement = Process.GetProcessById(pid);

                // the old one wakes, finds its socket taken, and exits; the new one keeps serving
                Assert.Equal(0, kill(old.Id, SIGCONT));
                Assert.True(old.WaitForExit(30_000), "the stopped server did not exit after it was replaced");
                Assert.Equal(pid.ToString(), Exec(socket, "manual,trace", "-Command", "$PID").Stdout.Trim());
            }
            finally
            {
                End(old);
                if (replacement != null) { Exec(socket, "manual", "--stop"); if (!replacement.WaitForExit(10_000)) replacement.Kill(); }
            }
        }

        // ---- a fake server that answers what the protocol does not allow ----

        /// <summary>
        /// Listens on <paramref name="socket"/> like a resident server, reads each client's request frame and answers
        /// <paramref name="answer"/>; when <paramref name="afterGo"/> is given, it waits for the client's Go frame and
        /// then sends that too. Every connection it served is counted.
        /// </summary>
        sealed class FakeServer : IDisposable
        {
            readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            readonly Thread _thread;
            public int Connections;

            public FakeServer(string socket, byte[] answer, byte[]? afterGo = null)
            {
                _listener.Bind(new UnixDomainSocketEndPoint(socket));
                File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                _listener.Listen(8);
                _thread = new Thread(() =>
                {
                    while (true)
                    {
                        Socket c;
                        try { c = _listener.Accept(); } catch (Exception) { return; }
                        Interlocked.Increment(ref Connections);
                        try
                        {
                            using var s = new NetworkStream(c, ownsSocket: true);
                            ReadFrame(s);
                            s.Write(answer);
                            if (afterGo != null && ReadFrame(s) == 'G') s.Write(afterGo);
                            s.Flush();
                            Thread.Sleep(200);
                        }
                        catch (IOException) { }
                    }
                }) { IsBackground = true };
                _thread.Start();
            }

            static int ReadFrame(Stream s)
            {
                var head = new byte[5];
                s.ReadExactly(head);
                var payload = new byte[BitConverter.ToInt32(head, 1)];
                s.ReadExactly(payload);
                return head[0];
            }

            public void Dispose() => _listener.Dispose();
        }

        static byte[] Frame(char type, byte[] payload) => new[] { (byte)type }.Concat(BitConverter.GetBytes(payload.Length)).Concat(payload).ToArray();
        static byte[] Frame(char type, string text = "") => Frame(type, Encoding.UTF8.GetBytes(text));

        public static IEnumerable<object[]> MalformedBeforeAcceptance() => new[]
        {
            new object[] { "a length of 2 GB", new byte[] { (byte)'A', 0xFF, 0xFF, 0xFF, 0x7F } },
            new object[] { "a negative length", new byte[] { (byte)'O', 0xFF, 0xFF, 0xFF, 0xFF } },
            new object[] { "a frame type the protocol does not have", Frame('Z', "zzz") },
            new object[] { "output before the command was accepted", Frame('O', "not mine\n") },
            new object[] { "an exit code before the command was accepted", Frame('X', new byte[] { 0 }) },
            new object[] { "an HTTP answer", Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") },
        };

        [Theory]
        [MemberData(nameof(MalformedBeforeAcceptance))]
        public void A_malformed_answer_before_acceptance_is_a_typed_error_and_the_command_runs_cold(string what, byte[] answer)
        {
            var socket = NewSocket();
            using var fake = new FakeServer(socket, answer);
            var r = Exec(socket, "manual,trace", Probe);
            Assert.True(fake.Connections >= 1, "the client never reached the fake server");
            AssertRanCold(r, -1);
            Assert.DoesNotContain("not mine", r.Stdout);
            Assert.True(r.Trace.Any(l => l.Contains("malformed answer", StringComparison.Ordinal) || l.Contains("closed the connection", StringComparison.Ordinal)),
                $"{what}: {r.Lines}");
        }

        public static IEnumerable<object[]> MalformedWhileRunning() => new[]
        {
            new object[] { "an exit frame of one byte", Frame('X', new byte[] { 7 }) },
            new object[] { "a length of 2 GB", new byte[] { (byte)'O', 0xFF, 0xFF, 0xFF, 0x7F } },
            new object[] { "a frame type the protocol does not have", Frame('Z', "zzz") },
        };

        [Theory]
        [MemberData(nameof(MalformedWhileRunning))]
        public void A_malformed_answer_while_the_command_runs_ends_the_client_with_a_message_not_a_crash(string what, byte[] after)
        {
            var socket = NewSocket();
            using var fake = new FakeServer(socket, Frame('A'), Frame('O', "partial output\n").Concat(after).ToArray());
            var r = Exec(socket, "manual,trace", "-Command", "'never run here'");
            Assert.True(r.Served, what + ": " + r.Lines);
            Assert.Equal(1, r.Code); // not 134 (an unhandled exception)
            Assert.Equal("partial output\n", r.Stdout);
            Assert.Contains("the resident server sent a malformed answer", r.Stderr);
            Assert.Equal(1, fake.Connections); // not sent anywhere else: the command may have done part of its work
        }

        [Fact]
        public void Stop_and_ping_against_a_malformed_or_stopped_server_answer_no_server_instead_of_crashing_or_hanging()
        {
            var socket = NewSocket();
            using (new FakeServer(socket, new byte[] { (byte)'A', 0xFF, 0xFF, 0xFF, 0x7F }))
            {
                var r = Exec(socket, "manual", "--stop");
                Assert.Equal(1, r.Code);
                Assert.Contains("no resident server answers", r.Stderr);
            }
            File.Delete(socket);
            var server = StartServer(socket);
            try
            {
                Assert.Equal(0, kill(server.Id, SIGSTOP));
                var r = Exec(socket, "manual", "--stop");
                Assert.Equal(1, r.Code);
                Assert.Contains("no resident server answers", r.Stderr);
            }
            finally { End(server); }
        }
    }
}
