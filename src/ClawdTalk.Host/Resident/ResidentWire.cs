using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ClawdTalk.Host.Resident
{
    /// <summary>
    /// The resident server's local transport and framing, shared by the server, the managed client and the native
    /// launcher (so nothing here may touch the PowerShell engine, reflection or anything NativeAOT cannot compile).
    /// Unix: a Unix domain socket in a 0700 folder owned by the user, the socket 0600, and the peer's uid checked on
    /// both ends (SO_PEERCRED). Windows: a named pipe created and opened with PipeOptions.CurrentUserOnly.
    /// Nothing listens on the network.
    /// </summary>
    internal static class ResidentWire
    {
        /// <summary>Bumped whenever the request or frame layout changes: a mismatch means "start cold".</summary>
        public const int ProtocolVersion = 2;
        public const int MaxFrame = 64 * 1024 * 1024;

        // frame types. Server to client: Accepted, Fallback, Stdout, Stderr, Exit, and Heartbeat (every HeartbeatInterval
        // from the moment it reads a run request until the run ends, so a client always knows the server is alive).
        // Client to server: Request, then Go once it has read Accepted: the server runs nothing before Go, so a client
        // that gave up waiting (and starts cold) can never have its command run twice.
        public const byte Request = (byte)'R', Accepted = (byte)'A', Fallback = (byte)'F', Stdout = (byte)'O', Stderr = (byte)'E', Exit = (byte)'X';
        public const byte Heartbeat = (byte)'H', Go = (byte)'G';
        public const byte KindRun = 1, KindPing = 2, KindStop = 3;

        public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

        /// <summary>How long a connect may take: a server that does not accept it in this time is not served by.</summary>
        public static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(2);

        /// <summary>
        /// How long a client waits to hear from the server before it is accepted (CLAWDTALK_RESIDENT_TIMEOUT, default 5 s):
        /// the server speaks at least every second, so silence this long means it is stopped or broken, and the command
        /// starts cold. A ping or stop waits as long for its answer.
        /// </summary>
        public static TimeSpan AnswerLimit => ResidentSettings.ParseDuration(Environment.GetEnvironmentVariable("CLAWDTALK_RESIDENT_TIMEOUT")) is { } t && t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(5);

        /// <summary>While a command runs: twelve times the answer limit (a minute by default) without a word ends the client.</summary>
        public static TimeSpan RunSilenceLimit => TimeSpan.FromTicks(AnswerLimit.Ticks * 12);

        /// <summary>A fallback reason with this prefix means "this server is out of date and exits now": start a new one.</summary>
        public const string StalePrefix = "stale: ";

        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>$CLAWDTALK_HOST_SOCKET, else $XDG_RUNTIME_DIR/clawdtalk/host.sock, else the config folder's run/host.sock.</summary>
        public static string SocketPath()
        {
            var explicitPath = Environment.GetEnvironmentVariable("CLAWDTALK_HOST_SOCKET");
            if (!string.IsNullOrWhiteSpace(explicitPath)) return Path.GetFullPath(explicitPath);
            if (IsWindows) return "clawdtalk-host-" + Environment.UserName.ToLowerInvariant();
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime) && Directory.Exists(runtime))
                return Path.Combine(runtime, "clawdtalk", "host.sock");
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".config") : xdg, "clawdtalk", "run", "host.sock");
        }

        /// <summary>
        /// Null when the folder holding the socket is private (no group or other permission bits); else why not. Who owns
        /// it matters less than who answers: both ends check the peer's uid on every connection (PeerIsSameUser).
        /// </summary>
        public static string? CheckPrivateDirectory(string dir)
        {
            if (OperatingSystem.IsWindows()) return null;
            if (!Directory.Exists(dir)) return $"{dir} does not exist";
            var mode = (int)File.GetUnixFileMode(dir);
            if ((mode & 0x3F) != 0) return $"{dir} is accessible to other users (mode {Convert.ToString(mode, 8)}); it must be 0700";
            return null;
        }

        /// <summary>
        /// Connects to the server, or returns null when none answers within <see cref="ConnectLimit"/> (a listener whose
        /// process is stopped still completes connects until its backlog is full: <see cref="ReadFrame"/>'s limit catches
        /// that one). Verifies the server runs as this user. Writes on the stream give up after the answer limit.
        /// </summary>
        public static Stream? Connect(string path)
        {
            if (IsWindows)
            {
                var pipe = new NamedPipeClientStream(".", path, PipeDirection.InOut, PipeOptions.CurrentUserOnly | PipeOptions.Asynchronous);
                try { pipe.Connect(50); return pipe; }
                catch (Exception ex) when (ex is TimeoutException || ex is IOException || ex is UnauthorizedAccessException) { pipe.Dispose(); return null; }
            }
            var dir = Path.GetDirectoryName(path)!;
            if (!File.Exists(path) || CheckPrivateDirectory(dir) != null) return null;
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                var connecting = socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                if (!connecting.Wait(ConnectLimit)) { socket.Dispose(); return null; }
                if (!PeerIsSameUser(socket)) { socket.Dispose(); return null; }
                socket.SendTimeout = (int)AnswerLimit.TotalMilliseconds;
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (AggregateException ex) when (ex.InnerException is SocketException) { socket.Dispose(); return null; }
            catch (SocketException) { socket.Dispose(); return null; }
        }

        /// <summary>Linux: SO_PEERCRED; macOS/BSD: getpeereid. Both ends refuse a peer of another user.</summary>
        public static bool PeerIsSameUser(Socket socket)
        {
            if (IsWindows) return true;
            var me = Native.geteuid();
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Span<byte> cred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
                var n = socket.GetRawSocketOption(1 /*SOL_SOCKET*/, 17 /*SO_PEERCRED*/, cred);
                return n >= 8 && BitConverter.ToUInt32(cred.Slice(4, 4)) == me;
            }
            return Native.getpeereid(socket.Handle.ToInt32(), out var euid, out _) == 0 && euid == me;
        }

        // ---- framing: [type:1][length:4, little endian][payload] ----

        public static void WriteFrame(Stream s, byte type, ReadOnlySpan<byte> payload)
        {
            Span<byte> head = stackalloc byte[5];
            head[0] = type;
            BitConverter.TryWriteBytes(head.Slice(1), payload.Length);
            if (payload.Length <= 4096)
            {
                // one write: one syscall for the common short frame
                var buffer = new byte[5 + payload.Length];
                head.CopyTo(buffer);
                payload.CopyTo(buffer.AsSpan(5));
                s.Write(buffer, 0, buffer.Length);
            }
            else
            {
                s.Write(head);
                s.Write(payload);
            }
            s.Flush();
        }

        public static void WriteFrame(Stream s, byte type, string text) => WriteFrame(s, type, Encoding.UTF8.GetBytes(text));

        public static void WriteExit(Stream s, int code)
        {
            Span<byte> b = stackalloc byte[4];
            BitConverter.TryWriteBytes(b, code);
            WriteFrame(s, Exit, b);
        }

        /// <summary>
        /// Reads one frame; null at a clean end of stream. <see cref="MalformedFrameException"/> for a length out of range;
        /// with <paramref name="limit"/>, <see cref="PeerSilentException"/> when the peer sends nothing for that long.
        /// </summary>
        public static (byte type, byte[] payload)? ReadFrame(Stream s, TimeSpan? limit = null)
        {
            var head = new byte[5];
            if (!ReadExactly(s, head, allowEnd: true, limit)) return null;
            var len = BitConverter.ToInt32(head, 1);
            if (len < 0 || len > MaxFrame) throw new MalformedFrameException($"a frame of type {Describe(head[0])} claims {len} bytes");
            var payload = new byte[len];
            if (!ReadExactly(s, payload, allowEnd: false, limit)) throw new EndOfStreamException();
            return (head[0], payload);
        }

        /// <summary>A frame type as text for a message: its letter when printable, else its code.</summary>
        public static string Describe(byte type) => type >= 0x21 && type < 0x7F ? "'" + (char)type + "'" : "0x" + type.ToString("x2");

        /// <summary>The exit code an Exit frame carries (exactly four bytes).</summary>
        public static int ExitCodeOf(byte[] payload) =>
            payload.Length == 4 ? BitConverter.ToInt32(payload, 0) : throw new MalformedFrameException($"an exit frame of {payload.Length} bytes (4 expected)");

        static bool ReadExactly(Stream s, byte[] buffer, bool allowEnd, TimeSpan? limit)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = ReadWithin(s, buffer, read, buffer.Length - read, limit);
                if (n == 0)
                {
                    if (read == 0 && allowEnd) return false;
                    throw new EndOfStreamException();
                }
                read += n;
            }
            return true;
        }

        static int ReadWithin(Stream s, byte[] buffer, int offset, int count, TimeSpan? limit)
        {
            if (limit == null) return s.Read(buffer, offset, count);
            if (s.CanTimeout)
            {
                s.ReadTimeout = (int)Math.Max(1, limit.Value.TotalMilliseconds);
                try { return s.Read(buffer, offset, count); }
                catch (IOException ex) when (ex.InnerException is SocketException se && (se.SocketErrorCode == SocketError.TimedOut || se.SocketErrorCode == SocketError.WouldBlock))
                {
                    throw new PeerSilentException(limit.Value);
                }
            }
            // a stream without read timeouts (a named pipe): the read is abandoned, and the stream closed, at the limit
            var reading = s.ReadAsync(buffer, offset, count);
            if (!reading.Wait(limit.Value)) { s.Dispose(); throw new PeerSilentException(limit.Value); }
            return reading.GetAwaiter().GetResult();
        }
    }

    /// <summary>An answer on the socket that breaks the protocol: a length out of range, a payload of the wrong size, a frame not expected there.</summary>
    internal sealed class MalformedFrameException : IOException
    {
        public MalformedFrameException(string message) : base("malformed answer from the resident server: " + message) { }
    }

    /// <summary>The peer said nothing for the given time: a stopped (SIGSTOP) or wedged process.</summary>
    internal sealed class PeerSilentException : TimeoutException
    {
        public PeerSilentException(TimeSpan limit) : base($"nothing heard for {limit.TotalSeconds:0.#} s") { Limit = limit; }
        public TimeSpan Limit { get; }
    }

    /// <summary>
    /// CLAWDTALK_RESIDENT, a comma-separated list: `off` (also 0/false: never use a server), `manual` (use a running server,
    /// never start one), `trace` (say on stderr which path a command took). CLAWDTALK_RESIDENT_IDLE: how long an unused
    /// server lives (seconds, or with a unit: 90s, 15m, 2h; 0 = until stopped), default 15 minutes.
    /// </summary>
    internal static class ResidentSettings
    {
        public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(15);

        public static bool Has(string word)
        {
            var v = Environment.GetEnvironmentVariable("CLAWDTALK_RESIDENT");
            if (string.IsNullOrEmpty(v)) return false;
            foreach (var part in v.Split(','))
                if (part.Trim().Equals(word, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        /// <summary>Parses "900", "90s", "15m", "2h"; null when it is not a duration. Zero means "never".</summary>
        public static TimeSpan? ParseDuration(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = text.Trim().ToLowerInvariant();
            var unit = 1.0;
            if (text.EndsWith("ms", StringComparison.Ordinal)) { unit = 0.001; text = text.Substring(0, text.Length - 2); }
            else if (text.EndsWith("s", StringComparison.Ordinal)) text = text.Substring(0, text.Length - 1);
            else if (text.EndsWith("m", StringComparison.Ordinal)) { unit = 60; text = text.Substring(0, text.Length - 1); }
            else if (text.EndsWith("h", StringComparison.Ordinal)) { unit = 3600; text = text.Substring(0, text.Length - 1); }
            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 0 || n * unit > 7 * 86400) return null;
            return TimeSpan.FromSeconds(n * unit);
        }
    }

    /// <summary>What the client asks the server to run, with everything of the client's process that a script can see.</summary>
    internal sealed class ResidentRequest
    {
        public byte Kind = ResidentWire.KindRun;
        public int Protocol = ResidentWire.ProtocolVersion;
        public string HostVersion = "";
        public string ModulePath = "";
        public string? Command;
        public string? File;
        public List<string> FileArgs = new List<string>();
        public string WorkingDirectory = "";
        public Dictionary<string, string> Environment = new Dictionary<string, string>(StringComparer.Ordinal);
        public int Width = 120;
        public bool Ansi;

        public byte[] Encode()
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(Kind);
                w.Write(Protocol);
                w.Write(HostVersion);
                w.Write(ModulePath);
                WriteOpt(w, Command);
                WriteOpt(w, File);
                w.Write(FileArgs.Count);
                foreach (var a in FileArgs) w.Write(a);
                w.Write(WorkingDirectory);
                w.Write(Environment.Count);
                foreach (var kv in Environment) { w.Write(kv.Key); w.Write(kv.Value); }
                w.Write(Width);
                w.Write(Ansi);
            }
            return ms.ToArray();
        }

        public static ResidentRequest Decode(byte[] data)
        {
            using var r = new BinaryReader(new MemoryStream(data), Encoding.UTF8);
            var q = new ResidentRequest { Kind = r.ReadByte(), Protocol = r.ReadInt32() };
            if (q.Protocol != ResidentWire.ProtocolVersion) return q;
            q.HostVersion = r.ReadString();
            q.ModulePath = r.ReadString();
            q.Command = ReadOpt(r);
            q.File = ReadOpt(r);
            var n = r.ReadInt32();
            for (var i = 0; i < n; i++) q.FileArgs.Add(r.ReadString());
            q.WorkingDirectory = r.ReadString();
            n = r.ReadInt32();
            for (var i = 0; i < n; i++) { var k = r.ReadString(); q.Environment[k] = r.ReadString(); }
            q.Width = r.ReadInt32();
            q.Ansi = r.ReadBoolean();
            return q;
        }

        static void WriteOpt(BinaryWriter w, string? s) { w.Write(s != null); if (s != null) w.Write(s); }
        static string? ReadOpt(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
    }

    internal static class Native
    {
        [DllImport("libc", EntryPoint = "geteuid")]
        public static extern uint geteuid();

        [DllImport("libc", EntryPoint = "setsid", SetLastError = true)]
        public static extern int setsid();

        [DllImport("libc", EntryPoint = "getpeereid", SetLastError = true)]
        public static extern int getpeereid(int fd, out uint euid, out uint egid);
    }
}
