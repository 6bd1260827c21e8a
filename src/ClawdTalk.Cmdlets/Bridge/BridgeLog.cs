using System.Text;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>Where bridge log records go: the job's streams, the foreground cmdlet, a log file.</summary>
    internal interface IBridgeLogSink
    {
        void Write(BridgeLogRecord record);
    }

    /// <summary>
    /// Builds structured records and hands them to the sinks. Every text passes through <see cref="Secrets.Redact"/> with the
    /// API key and gateway token, so a secret cannot reach a stream, a job or the log file even by mistake. Debug records
    /// (which may carry message bodies) exist only when the bridge was started with -Debug.
    /// </summary>
    internal sealed class BridgeLogger
    {
        readonly string _bridge;
        readonly string?[] _secrets;
        readonly List<IBridgeLogSink> _sinks = new List<IBridgeLogSink>();
        readonly object _gate = new object();

        public BridgeLogger(string bridge, bool verbose, bool debug, params string?[] secrets)
        {
            _bridge = bridge;
            VerboseEnabled = verbose || debug;
            DebugEnabled = debug;
            _secrets = secrets;
        }

        public bool VerboseEnabled { get; }
        public bool DebugEnabled { get; }

        /// <summary>Called for every record, for tests and the benchmark (before the level filter of the sinks).</summary>
        public Action<BridgeLogRecord>? Observer { get; set; }

        public void Add(IBridgeLogSink sink)
        {
            lock (_gate) _sinks.Add(sink);
        }

        public void Write(BridgeLogLevel level, string evt, string message, string? callId = null, string? requestId = null,
            string? errorId = null, double? durationMs = null, IDictionary<string, object?>? data = null)
        {
            if (level == BridgeLogLevel.Debug && !DebugEnabled) return;
            if (level == BridgeLogLevel.Verbose && !VerboseEnabled && Observer == null) return; // no sink takes them
            var record = new BridgeLogRecord
            {
                Time = DateTimeOffset.UtcNow, Level = level, Event = evt, Message = Redact(message), CallId = callId, RequestId = requestId,
                ErrorId = errorId, DurationMs = durationMs.HasValue ? Math.Round(durationMs.Value, 2) : (double?)null, Bridge = _bridge,
                Data = data == null ? null : RedactData(data),
            };
            Observer?.Invoke(record);
            IBridgeLogSink[] sinks;
            lock (_gate) sinks = _sinks.ToArray();
            foreach (var s in sinks)
            {
                try { s.Write(record); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ObjectDisposedException || ex is InvalidOperationException) { }
            }
        }

        // what a record says is shown to a person (Get-ClawdTalkBridge, Receive-Job, the console): secrets out, controls visible
        string Redact(string text) => Boundary.OutsideText.Visible(Secrets.Redact(text ?? "", _secrets));

        IDictionary<string, object?> RedactData(IDictionary<string, object?> data)
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var kv in data) copy[kv.Key] = kv.Value is string s ? Redact(s) : kv.Value;
            return copy;
        }
    }

    /// <summary>
    /// A rotating JSON-lines log file: one record per line; when the file passes its size limit it becomes `name.1.ext`,
    /// the older ones shift, and the oldest beyond the count is deleted. Created 0600 on Unix. Records are written by a
    /// background writer in batches (one flush per batch), so no request waits on the disk; Dispose writes what is left.
    /// </summary>
    internal sealed class RotatingLogFile : IBridgeLogSink, IDisposable
    {
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        readonly string _path;
        readonly long _maxBytes;
        readonly int _files;
        readonly BridgeLogLevel _min;
        readonly object _gate = new object();
        readonly System.Collections.Concurrent.ConcurrentQueue<BridgeLogRecord> _pending = new System.Collections.Concurrent.ConcurrentQueue<BridgeLogRecord>();
        readonly System.Threading.SemaphoreSlim _signal = new System.Threading.SemaphoreSlim(0);
        readonly System.Threading.Tasks.Task _writer;
        volatile bool _closing;
        FileStream? _stream;

        public RotatingLogFile(string path, long maxBytes, int files, BridgeLogLevel min)
        {
            _path = Path.GetFullPath(path);
            _maxBytes = maxBytes;
            _files = Math.Max(1, files);
            _min = min;
            AtomicFile.EnsureDirectory(Path.GetDirectoryName(_path)!);
            Open();
            _writer = System.Threading.Tasks.Task.Run(WriteLoopAsync);
        }

        async System.Threading.Tasks.Task WriteLoopAsync()
        {
            while (!_closing)
            {
                await _signal.WaitAsync().ConfigureAwait(false);
                Drain();
            }
        }

        /// <summary>Writes every queued record, then flushes once.</summary>
        void Drain()
        {
            lock (_gate)
            {
                if (_stream == null) return;
                var wrote = false;
                while (_pending.TryDequeue(out var r))
                {
                    try { WriteLine(r); wrote = true; }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
                if (wrote)
                    try { _stream?.Flush(); } catch (IOException) { }
            }
        }

        public string FullPath => _path;

        void Open()
        {
            var created = !File.Exists(_path);
            Links.Refuse(_path);
            _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
            if (created) UnixPermissions.SetPrivate(_path, directory: false);
        }

        public void Write(BridgeLogRecord r)
        {
            if (r.Level < _min || _closing) return;
            _pending.Enqueue(r);
            _signal.Release();
        }

        void WriteLine(BridgeLogRecord r)
        {
            var o = new JObject
            {
                ["time"] = r.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["level"] = r.Level.ToString(), ["event"] = r.Event, ["message"] = r.Message, ["bridge"] = r.Bridge,
            };
            if (r.CallId != null) o["call_id"] = r.CallId;
            if (r.RequestId != null) o["request_id"] = r.RequestId;
            if (r.ErrorId != null) o["error_id"] = r.ErrorId;
            if (r.DurationMs != null) o["duration_ms"] = r.DurationMs;
            if (r.Data != null)
            {
                var d = new JObject();
                foreach (var kv in r.Data) d[kv.Key] = kv.Value == null ? JValue.CreateNull() : JToken.FromObject(kv.Value);
                o["data"] = d;
            }
            var bytes = Utf8.GetBytes(o.ToString(Formatting.None) + "\n");
            if (_stream!.Length + bytes.Length > _maxBytes && _stream.Length > 0) Rotate();
            _stream?.Write(bytes, 0, bytes.Length);
        }

        string Numbered(int n) =>
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_path)!, System.IO.Path.GetFileNameWithoutExtension(_path) + "." + n.ToString(CultureInfo.InvariantCulture) + System.IO.Path.GetExtension(_path));

        void Rotate()
        {
            _stream!.Dispose();
            _stream = null;
            try
            {
                var oldest = Numbered(_files);
                if (File.Exists(oldest)) File.Delete(oldest);
                for (var i = _files - 1; i >= 1; i--)
                    if (File.Exists(Numbered(i))) File.Move(Numbered(i), Numbered(i + 1));
                if (_files >= 1) File.Move(_path, Numbered(1));
                else File.Delete(_path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            Open();
        }

        public void Dispose()
        {
            if (_closing) return;
            _closing = true;
            _signal.Release();
            try { _writer.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            Drain();
            lock (_gate)
            {
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    internal static class LogData
    {
        public static Dictionary<string, object?> Of(params (string Key, object? Value)[] items)
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in items) d[k] = v;
            return d;
        }
    }
}
