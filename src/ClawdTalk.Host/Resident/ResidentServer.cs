using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ClawdTalk.Host.Resident
{
    /// <summary>
    /// `clawdtalk --serve`: one warm process (engine JIT-compiled, module assembly loaded, HTTP connections pooled
    /// process-wide) that runs each client's -Command/-File in a fresh runspace with the module imported, taken from a
    /// small pre-warmed pool, so nothing a command leaves behind reaches the next one. The client's environment and
    /// working directory become the process's for the run (they are process-wide, so runs with a different environment
    /// than one in progress are sent back to start cold), and its output, errors and exit code go back as frames.
    /// </summary>
    internal sealed class ResidentServer
    {
        const int PoolSize = 2;

        /// <summary>Variables read once at process or engine start (culture, time zone, runtime knobs, engine paths, colours):
        /// a client whose values differ would not see what a cold start shows it, so it starts cold.</summary>
        static readonly string[] StartupNames = { "HOME", "LANG", "LANGUAGE", "TZ", "TERM", "NO_COLOR", "PSModulePath", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "CLAWDTALK_MODULE" };
        static readonly string[] StartupPrefixes = { "LC_", "DOTNET_", "COMPlus_", "POWERSHELL_", "CORECLR_" };

        readonly string _socketPath;
        readonly string _modulePath;
        readonly string _hostVersion;
        readonly string _moduleStamp;
        readonly string _hostStamp;
        readonly TimeSpan _idle;
        long _lastActivity = DateTime.UtcNow.Ticks;
        int _running;
        readonly bool _trace;
        readonly SessionPool _pool;
        readonly EnvironmentLease _lease;
        readonly Dictionary<string, string> _startEnv;
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        Socket? _listener;
        /// <summary>When this server's socket file was made: a server started while this one could not answer makes a new one.</summary>
        DateTime _socketStamp;

        ResidentServer(string socketPath, string modulePath, string hostVersion, Dictionary<string, string> startEnv, TimeSpan idle)
        {
            _idle = idle;
            _hostStamp = HostStamp();
            _socketPath = socketPath;
            _modulePath = Path.GetFullPath(modulePath);
            _hostVersion = hostVersion;
            _moduleStamp = ModuleStamp(_modulePath);
            _trace = ResidentSettings.Has("trace");
            _startEnv = startEnv;
            _pool = new SessionPool(_modulePath, PoolSize);
            _lease = new EnvironmentLease();
        }

        /// <summary>Runs the server until --stop, SIGTERM or Ctrl+C. Returns the process exit code.</summary>
        public static int Run(string modulePath, string hostVersion, Dictionary<string, string> startEnv, TimeSpan idle)
        {
            var path = ResidentWire.SocketPath();
            if (ResidentClient.Control(ResidentWire.KindPing, hostVersion))
            {
                Console.Error.WriteLine($"clawdtalk: a resident server already answers at {path}.");
                return 1;
            }
            ResidentServer server;
            try
            {
                server = new ResidentServer(path, modulePath, hostVersion, startEnv, idle);
                server._pool.Fill(1); // the first session, synchronously: import errors surface here, not at the first command
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                Console.Error.WriteLine("clawdtalk: Cannot import the ClawdTalk module: " + ex.Message);
                return 64;
            }
            return server.Serve();
        }

        int Serve()
        {
            // What the engine itself put in the environment at start (PSModulePath): runs get the engine's value.
            _lease.EngineManaged = EngineManagedVariables(_startEnv);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Shutdown(); });
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; Shutdown(); });
            try
            {
                if (ResidentWire.IsWindows) ServeNamedPipes();
                else
                {
                    var error = Listen();
                    if (error != null) { Console.Error.WriteLine("clawdtalk: cannot serve: " + error); return 1; }
                    Console.Error.WriteLine($"clawdtalk: serving on {_socketPath} (pid {Environment.ProcessId}); stop with clawdtalk --stop");
                    Log($"listening {SinceStart():0} ms after the process started (first session ready)");
                    StartBackground();
                    while (!_stop.IsCancellationRequested)
                    {
                        Socket client;
                        // polled, so that stopping never has to close the listener from another thread (see Shutdown)
                        try { if (!_listener!.Poll(250_000, SelectMode.SelectRead)) continue; client = _listener.Accept(); }
                        catch (Exception) when (_stop.IsCancellationRequested) { break; }
                        catch (SocketException) { continue; }
                        StartHandler(() =>
                        {
                            using var s = new NetworkStream(client, ownsSocket: true);
                            if (!ResidentWire.PeerIsSameUser(client)) { Log("refused a connection from another user"); return; }
                            Handle(s);
                        });
                    }
                }
            }
            finally
            {
                // Only our own socket goes with us. .NET unlinks a Unix socket's path when the socket that bound it is
                // disposed, whatever the path holds by then: when a server that replaced this one (while it could not
                // answer) owns the path, the listener is left for the process's exit to close, which unlinks nothing.
                if (_listener != null && (!File.Exists(_socketPath) || File.GetLastWriteTimeUtc(_socketPath) == _socketStamp))
                {
                    _listener.Dispose();
                    try { File.Delete(_socketPath); } catch (IOException) { }
                }
                _pool.Dispose();
            }
            return 0;
        }

        /// <summary>Creates the 0700 folder and the 0600 socket; a stale socket file (no server answered) is replaced.</summary>
        string? Listen()
        {
            if (OperatingSystem.IsWindows()) return "Unix sockets are not used on Windows";
            var dir = Path.GetDirectoryName(_socketPath)!;
            if (!Directory.Exists(dir))
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var why = ResidentWire.CheckPrivateDirectory(dir);
            if (why != null) return why;
            if (File.Exists(_socketPath)) File.Delete(_socketPath);
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
            File.SetUnixFileMode(_socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _listener.Listen(64);
            _socketStamp = File.GetLastWriteTimeUtc(_socketPath);
            return null;
        }

        void ServeNamedPipes()
        {
            Console.Error.WriteLine($"clawdtalk: serving on pipe {_socketPath} (pid {Environment.ProcessId}); stop with clawdtalk --stop");
            StartBackground();
            while (!_stop.IsCancellationRequested)
            {
                // CurrentUserOnly: the pipe's ACL grants the current user alone, and clients check the server's owner.
                var pipe = new NamedPipeServerStream(_socketPath, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances,
                    PipeTransmissionMode.Byte, PipeOptions.CurrentUserOnly | PipeOptions.Asynchronous);
                try { pipe.WaitForConnectionAsync(_stop.Token).GetAwaiter().GetResult(); }
                catch (OperationCanceledException) { pipe.Dispose(); break; }
                StartHandler(() => { using (pipe) Handle(pipe); });
            }
        }

        /// <summary>
        /// Once the socket is up (a client that started this server is waiting on it): JIT-compile the common paths and
        /// fill the session pool in the background, and watch for the reasons to exit: idle time, a rebuilt module or
        /// host, the socket taken away.
        /// </summary>
        void StartBackground()
        {
            _pool.Start(Log);
            new Thread(WarmUp) { IsBackground = true, Name = "clawdtalk warm-up" }.Start();
            new Thread(Watch) { IsBackground = true, Name = "clawdtalk idle watch" }.Start();
        }

        void Watch()
        {
            var tick = _idle > TimeSpan.Zero && _idle < TimeSpan.FromSeconds(8) ? TimeSpan.FromTicks(Math.Max(_idle.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks)) : TimeSpan.FromSeconds(2);
            while (!_stop.Token.WaitHandle.WaitOne(tick))
            {
                if (Volatile.Read(ref _running) > 0) continue;
                string? why = null;
                if (_idle > TimeSpan.Zero && DateTime.UtcNow - new DateTime(Interlocked.Read(ref _lastActivity), DateTimeKind.Utc) >= _idle)
                    why = $"idle for {_idle.TotalSeconds:0.#} s";
                else if (!ResidentWire.IsWindows && !File.Exists(_socketPath)) why = "the socket was removed";
                else if (!ResidentWire.IsWindows && File.GetLastWriteTimeUtc(_socketPath) != _socketStamp) why = "another server took the socket (this one did not answer)";
                else if (ModuleStamp(_modulePath) != _moduleStamp) why = "the module changed";
                else if (HostStamp() != _hostStamp) why = "the host changed";
                if (why == null) continue;
                Console.Error.WriteLine($"clawdtalk: resident server exits: {why}");
                Shutdown();
                return;
            }
        }

        static void StartHandler(Action handle)
        {
            var t = new Thread(() =>
            {
                try { handle(); }
                catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is SocketException) { }
            }) { IsBackground = true, Name = "clawdtalk request" };
            t.Start();
        }

        void Shutdown()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel(); // the accept loop sees it within a quarter of a second; the named-pipe wait is cancelled by it
        }

        void Handle(Stream stream)
        {
            // a client that connects and says nothing does not hold a thread for ever
            (byte type, byte[] payload)? frame;
            try { frame = ResidentWire.ReadFrame(stream, ResidentWire.AnswerLimit); }
            catch (Exception ex) when (ex is TimeoutException || ex is IOException) { Log("a client sent no request: " + ex.Message); return; }
            if (frame == null || frame.Value.type != ResidentWire.Request) return;
            var request = ResidentRequest.Decode(frame.Value.payload);
            if (request.Protocol != ResidentWire.ProtocolVersion) { ResidentWire.WriteFrame(stream, ResidentWire.Fallback, "protocol version differs"); return; }
            switch (request.Kind)
            {
                case ResidentWire.KindPing: ResidentWire.WriteFrame(stream, ResidentWire.Accepted, _hostVersion); return;
                case ResidentWire.KindStop:
                    ResidentWire.WriteFrame(stream, ResidentWire.Accepted, "stopping");
                    Log("stop requested");
                    Shutdown();
                    return;
                case ResidentWire.KindRun: Run(stream, request); return;
            }
        }

        void Run(Stream stream, ResidentRequest request)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew(); // phases for the trace: where a warm command's milliseconds go
            Interlocked.Exchange(ref _lastActivity, DateTime.UtcNow.Ticks);
            // every frame of this client goes through the sink, the heartbeat's too: the client hears from this server at
            // least every second from now until the run ends, however long a session takes to open or a command to print
            var sink = new FrameSink(stream);
            using var heartbeat = new Timer(_ => sink.Frame(ResidentWire.Heartbeat), null, ResidentWire.HeartbeatInterval, ResidentWire.HeartbeatInterval);
            var stale = Stale(request);
            if (stale != null)
            {
                // Out of date: the client starts a new server once this one has gone (after its runs in progress).
                Log("exits: " + stale);
                sink.Frame(ResidentWire.Fallback, ResidentWire.StalePrefix + stale);
                new Thread(() =>
                {
                    while (Volatile.Read(ref _running) > 0) Thread.Sleep(20);
                    Console.Error.WriteLine($"clawdtalk: resident server exits: {stale}");
                    Shutdown();
                }) { IsBackground = true }.Start();
                return;
            }
            var why = Refuse(request);
            if (why != null)
            {
                Log("sent back to start cold: " + why);
                sink.Frame(ResidentWire.Fallback, why);
                return;
            }
            var target = _lease.Target(request.Environment);
            if (!_lease.TryEnter(target, request.WorkingDirectory, out why))
            {
                Log("sent back to start cold: " + why);
                sink.Frame(ResidentWire.Fallback, why!);
                return;
            }
            PooledSession? pooled = null;
            Interlocked.Increment(ref _running);
            try
            {
                pooled = _pool.Take();
                var ready = clock.Elapsed.TotalMilliseconds;
                pooled.Bind(sink, request.Width, request.Ansi);
                pooled.Session.SetLocation(request.WorkingDirectory);
                sink.Frame(ResidentWire.Accepted);
                // nothing runs before the client says Go: a client that stopped waiting has started cold instead
                (byte type, byte[] payload)? confirm;
                try { confirm = ResidentWire.ReadFrame(stream, ResidentWire.AnswerLimit); }
                catch (Exception ex) when (ex is IOException || ex is TimeoutException || ex is ObjectDisposedException) { confirm = null; }
                if (confirm == null || confirm.Value.type != ResidentWire.Go) { Log("the client did not confirm; nothing was run"); return; }
                var go = clock.Elapsed.TotalMilliseconds;
                var session = pooled.Session;
                // A client that goes away (Ctrl+C, killed) stops its command, as Ctrl+C stops a cold one.
                var watcher = new Thread(() =>
                {
                    try { if (stream.ReadByte() < 0) { sink.Broken = true; session.Stop(); } }
                    catch (Exception) { sink.Broken = true; session.Stop(); }
                }) { IsBackground = true, Name = "clawdtalk disconnect watch" };
                watcher.Start();
                var code = request.File != null ? session.Execute(request.File, isFile: true, request.FileArgs) : session.Execute(request.Command ?? "");
                heartbeat.Change(Timeout.Infinite, Timeout.Infinite);
                var gone = sink.Broken;
                if (!gone) sink.Exit(code);
                Log($"ran {(request.File != null ? "a file" : "a command")} in {clock.Elapsed.TotalMilliseconds - go:0.0} ms, exit {code}{(gone ? " (client gone)" : "")}; "
                    + $"from its request: session ready {ready:0.0} ms, Go {go:0.0} ms, exit sent {clock.Elapsed.TotalMilliseconds:0.0} ms");
            }
            finally
            {
                Interlocked.Exchange(ref _lastActivity, DateTime.UtcNow.Ticks);
                Interlocked.Decrement(ref _running);
                pooled?.Unbind();
                _lease.Exit();
                if (pooled != null) _pool.Retire(pooled);
            }
        }

        /// <summary>Why this request must start cold instead, or null when this server runs it exactly as a cold start would.</summary>
        /// <summary>Why this server is out of date for this client (another version, a rebuilt module or host), or null.</summary>
        string? Stale(ResidentRequest q)
        {
            if (q.HostVersion != _hostVersion) return $"the server is clawdtalk {_hostVersion}, the client {q.HostVersion}";
            if (ModuleStamp(_modulePath) != _moduleStamp) return "the module changed since the server started";
            if (HostStamp() != _hostStamp) return "the host changed since the server started";
            return null;
        }

        string? Refuse(ResidentRequest q)
        {
            if (!string.Equals(Path.GetFullPath(q.ModulePath), _modulePath, StringComparison.Ordinal)) return "the client uses another module folder";
            if (!Directory.Exists(q.WorkingDirectory)) return "the working directory does not exist";
            foreach (var name in StartupVariables(q.Environment))
            {
                q.Environment.TryGetValue(name, out var mine);
                _startEnv.TryGetValue(name, out var theirs);
                if (string.Equals(mine, theirs, StringComparison.Ordinal)) continue;
                // A variable the engine rewrites at start (PSModulePath) may already hold the engine's value, as in a
                // process that hosted a runspace before; a cold start would compute that same value from it.
                if (_lease.EngineManaged.TryGetValue(name, out var engine) && string.Equals(mine, engine, StringComparison.Ordinal)) continue;
                return $"the client's {name} differs from the server's";
            }
            return null;
        }

        IEnumerable<string> StartupVariables(Dictionary<string, string> client)
        {
            var names = new HashSet<string>(StartupNames, StringComparer.Ordinal);
            foreach (var k in client.Keys) if (IsStartupPrefixed(k)) names.Add(k);
            foreach (var k in _startEnv.Keys) if (IsStartupPrefixed(k)) names.Add(k);
            return names;
        }

        static bool IsStartupPrefixed(string name)
        {
            foreach (var p in StartupPrefixes) if (name.StartsWith(p, StringComparison.Ordinal)) return true;
            return false;
        }

        static Dictionary<string, string?> EngineManagedVariables(Dictionary<string, string> before)
        {
            var now = Snapshot();
            var changed = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var kv in now) if (!before.TryGetValue(kv.Key, out var v) || v != kv.Value) changed[kv.Key] = kv.Value;
            foreach (var k in before.Keys) if (!now.ContainsKey(k)) changed[k] = null;
            return changed;
        }

        public static Dictionary<string, string> Snapshot()
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) d[(string)e.Key] = (string?)e.Value ?? "";
            return d;
        }

        /// <summary>Every file of the module folder (and its help), by name, size and last write: any rebuild changes it.</summary>
        static string ModuleStamp(string manifest) => FolderStamp(Path.GetDirectoryName(manifest)!);

        /// <summary>The host's own files (the assembly and its apphost): a rebuilt or reinstalled host changes it.</summary>
        static string HostStamp()
        {
            var sb = new StringBuilder();
            foreach (var f in new[] { typeof(ResidentServer).Assembly.Location, Environment.ProcessPath })
                if (!string.IsNullOrEmpty(f) && File.Exists(f)) { var i = new FileInfo(f); sb.Append(i.Length).Append('@').Append(i.LastWriteTimeUtc.Ticks).Append(';'); }
            return sb.ToString();
        }

        static string FolderStamp(string dir)
        {
            var sb = new StringBuilder();
            try
            {
                var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var f in files) { var i = new FileInfo(f); sb.Append(f).Append(':').Append(i.Length).Append('@').Append(i.LastWriteTimeUtc.Ticks).Append(';'); }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { sb.Append("unreadable"); }
            return sb.ToString();
        }

        /// <summary>
        /// JIT-compiles the paths commands take (formatting, the error view, a terminating error, the built-in modules,
        /// help) in a session of its own, never one a client gets: at low priority (<see cref="BackgroundPriority"/>), one
        /// step at a time, each only while the pool is full and no command has run for a quarter of a second, so that
        /// warming up never takes the CPU from a command or leaves the pool empty.
        /// </summary>
        void WarmUp()
        {
            BackgroundPriority.Lower();
            var steps = new[]
            {
                "$null = Get-Command -Module ClawdTalk; [pscustomobject]@{ Name = 'warm'; Value = 1 }; Write-Warning 'warm'; Write-Error 'warm'; 'text'",
                "throw 'warm'",
                "$null = 1..2 | Select-Object -First 1 | ConvertTo-Json",
                "$null = Get-Help Test-ClawdTalkConnection",
            };
            PooledSession? warm = null;
            try
            {
                foreach (var step in steps)
                {
                    while (!(_pool.Full && Volatile.Read(ref _running) == 0 && DateTime.UtcNow.Ticks - Interlocked.Read(ref _lastActivity) > TimeSpan.TicksPerMillisecond * 250))
                        if (_stop.Token.WaitHandle.WaitOne(100)) return;
                    if (warm == null)
                    {
                        warm = _pool.CreateDetached();
                        warm.Bind(new FrameSink(Stream.Null), 120, false);
                    }
                    warm.Session.Execute(step);
                }
                Log($"warmed up {SinceStart():0} ms after the process started");
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException)) { Log("warm-up: " + ex.Message); }
            finally { warm?.Unbind(); warm?.Dispose(); }
        }

        static double SinceStart() => (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;

        void Log(string message)
        {
            if (_trace) Console.Error.WriteLine($"clawdtalk: resident: {message}");
        }
    }

    /// <summary>Writes a run's stdout and stderr to the client as frames, in the order they were written.</summary>
    internal sealed class FrameSink
    {
        readonly Stream _stream;
        readonly object _gate = new object();
        public FrameSink(Stream stream) { _stream = stream; }
        public volatile bool Broken;

        public void Send(byte type, string text)
        {
            if (text.Length == 0) return;
            Frame(type, text);
        }

        /// <summary>Any frame (control frames, the heartbeat), in order with the output.</summary>
        public void Frame(byte type, string text = "")
        {
            if (Broken) return;
            lock (_gate)
            {
                if (Broken) return;
                try { ResidentWire.WriteFrame(_stream, type, Encoding.UTF8.GetBytes(text)); }
                catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { Broken = true; }
            }
        }

        public void Exit(int code)
        {
            lock (_gate)
            {
                try { ResidentWire.WriteExit(_stream, code); }
                catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { Broken = true; }
            }
        }
    }

    /// <summary>A TextWriter that forwards to the current run's frame sink (a pooled host is created before its run is known).</summary>
    internal sealed class RequestWriter : TextWriter
    {
        readonly byte _type;
        public RequestWriter(byte type) { _type = type; }
        public FrameSink? Sink { get; set; }
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => Sink?.Send(_type, value.ToString());
        public override void Write(string? value) { if (value != null) Sink?.Send(_type, value); }
        public override void WriteLine(string? value) => Sink?.Send(_type, (value ?? "") + Environment.NewLine);
        public override void WriteLine() => Sink?.Send(_type, Environment.NewLine);
    }

    internal sealed class PooledSession : IDisposable
    {
        public PooledSession(string modulePath)
        {
            Out = new RequestWriter(ResidentWire.Stdout);
            Err = new RequestWriter(ResidentWire.Stderr);
            Host = new ScriptHost(Out, Err, null, 120);
            Session = new ScriptSession(Host, modulePath, ansi: false);
            Session.Prime();
        }

        public RequestWriter Out { get; }
        public RequestWriter Err { get; }
        public ScriptHost Host { get; }
        public ScriptSession Session { get; }

        public void Bind(FrameSink sink, int width, bool ansi)
        {
            Out.Sink = sink; Err.Sink = sink;
            Host.HostUI.Width = width;
            Host.HostUI.SupportsAnsi = ansi;
        }

        public void Unbind() { Out.Sink = null; Err.Sink = null; }

        public void Dispose() => Session.Dispose();
    }

    /// <summary>
    /// Fresh runspaces with the module imported, opened ahead of need, and used ones disposed, by one background worker
    /// that is woken when a run has ended, not while it runs: opening a runspace and importing the module costs tens of
    /// milliseconds of CPU, which must not be taken from the command that is running on a small machine. A run that
    /// finds the pool empty opens its session itself.
    /// </summary>
    internal sealed class SessionPool : IDisposable
    {
        readonly string _modulePath;
        readonly int _size;
        readonly ConcurrentQueue<PooledSession> _ready = new ConcurrentQueue<PooledSession>();
        readonly ConcurrentQueue<PooledSession> _retired = new ConcurrentQueue<PooledSession>();
        readonly SemaphoreSlim _work = new SemaphoreSlim(0);
        Thread? _worker;
        volatile bool _disposed;

        public SessionPool(string modulePath, int size) { _modulePath = modulePath; _size = size; }

        public PooledSession CreateDetached() => new PooledSession(_modulePath);

        /// <summary>Fills the pool (up to <paramref name="upTo"/>, default its size) on this thread.</summary>
        public void Fill(int upTo = 0)
        {
            var target = upTo > 0 ? Math.Min(upTo, _size) : _size;
            while (!_disposed && _ready.Count < target) _ready.Enqueue(new PooledSession(_modulePath));
        }

        /// <summary>Starts the background worker: it fills the pool at once, then refills it and disposes used sessions as runs end.</summary>
        public void Start(Action<string> log)
        {
            _worker = new Thread(() =>
            {
                while (!_disposed)
                {
                    try { Fill(); }
                    catch (Exception ex) when (!(ex is OutOfMemoryException)) { log("pool: " + ex.Message); /* the next Take opens one itself and reports its error */ }
                    while (!_disposed && _ready.Count > 0 && _retired.TryDequeue(out var used)) DisposeQuietly(used);
                    try { _work.Wait(); } catch (ObjectDisposedException) { return; }
                }
            }) { IsBackground = true, Name = "clawdtalk session pool" };
            _worker.Start();
        }

        /// <summary>True when every session of the pool is open and nothing waits to be disposed.</summary>
        public bool Full => _ready.Count >= _size && _retired.IsEmpty;

        public PooledSession Take() => _ready.TryDequeue(out var ready) ? ready : new PooledSession(_modulePath);

        /// <summary>A used session is never reused: the worker disposes it, and opens the next, once the run has ended.</summary>
        public void Retire(PooledSession s)
        {
            if (_worker == null) { DisposeQuietly(s); return; }
            _retired.Enqueue(s);
            _work.Release();
        }

        static void DisposeQuietly(PooledSession s)
        {
            try { s.Dispose(); } catch (Exception ex) when (!(ex is OutOfMemoryException)) { }
        }

        public void Dispose()
        {
            _disposed = true;
            try { _work.Release(); } catch (ObjectDisposedException) { }
            while (_ready.TryDequeue(out var s)) DisposeQuietly(s);
            while (_retired.TryDequeue(out var s)) DisposeQuietly(s);
        }
    }

    /// <summary>
    /// Linux: the calling thread's nice value raised to 10 (setpriority on its thread id), so that background work of the
    /// server (opening the next sessions, disposing used ones, the warm-up) runs on CPU the runs leave idle rather than
    /// beside them. .NET's Thread.Priority does nothing on Linux. Elsewhere a no-op.
    /// </summary>
    internal static class BackgroundPriority
    {
        public static void Lower()
        {
            if (!OperatingSystem.IsLinux()) return;
            try { _ = setpriority(0 /*PRIO_PROCESS*/, gettid(), 10); }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException) { }
        }

        [DllImport("libc", EntryPoint = "gettid")]
        static extern int gettid();

        [DllImport("libc", EntryPoint = "setpriority")]
        static extern int setpriority(int which, int who, int prio);
    }

    /// <summary>
    /// The process environment and working directory belong to the runs in progress: the first run sets them to its
    /// client's (all variables, exactly, but those the engine manages), later runs join only when theirs are the same.
    /// </summary>
    internal sealed class EnvironmentLease
    {
        readonly object _gate = new object();
        int _holders;

        public Dictionary<string, string?> EngineManaged { get; set; } = new Dictionary<string, string?>();

        public Dictionary<string, string> Target(Dictionary<string, string> client)
        {
            var target = new Dictionary<string, string>(client, StringComparer.Ordinal);
            foreach (var kv in EngineManaged)
                if (kv.Value == null) target.Remove(kv.Key); else target[kv.Key] = kv.Value;
            return target;
        }

        public bool TryEnter(Dictionary<string, string> env, string cwd, out string? why)
        {
            lock (_gate)
            {
                if (_holders == 0)
                {
                    try
                    {
                        Apply(env);
                        Environment.CurrentDirectory = cwd;
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        why = "cannot enter the working directory: " + ex.Message;
                        return false;
                    }
                }
                else if (!Same(env) || !string.Equals(Environment.CurrentDirectory, cwd, StringComparison.Ordinal))
                {
                    why = "busy with a run in another environment or folder";
                    return false;
                }
                _holders++;
                why = null;
                return true;
            }
        }

        public void Exit() { lock (_gate) _holders--; }

        static void Apply(Dictionary<string, string> env)
        {
            var now = ResidentServer.Snapshot();
            foreach (var k in now.Keys) if (!env.ContainsKey(k)) Environment.SetEnvironmentVariable(k, null);
            foreach (var kv in env)
                if (!now.TryGetValue(kv.Key, out var v) || v != kv.Value) Environment.SetEnvironmentVariable(kv.Key, kv.Value.Length == 0 ? null : kv.Value);
        }

        /// <summary>Equal but for variables set to an empty value, which .NET cannot set (it removes them).</summary>
        static bool Same(Dictionary<string, string> env)
        {
            var now = ResidentServer.Snapshot();
            foreach (var kv in env)
                if (kv.Value.Length > 0 && (!now.TryGetValue(kv.Key, out var v) || v != kv.Value)) return false;
            foreach (var kv in now)
                if (kv.Value.Length > 0 && (!env.TryGetValue(kv.Key, out var v) || v != kv.Value)) return false;
            return true;
        }
    }
}
