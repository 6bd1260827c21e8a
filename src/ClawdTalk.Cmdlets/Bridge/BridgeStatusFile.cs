using System.Text;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The files of the bridge for one key under the module's `bridge` folder, named by the key's hash (never the key):
    /// `.lock` (held while it runs), `.status.json` (written by the bridge: state, counters, errors, how it was started),
    /// `.stop` (a stop or restart request from another process), `.log` (the default rotated log) and `.console.log`
    /// (what a detached bridge's host printed).
    /// </summary>
    internal static class BridgeFiles
    {
        public static string Directory => BridgeLock.Directory;
        public static string Lock(string hash) => Path.Combine(Directory, hash + ".lock");
        public static string Status(string hash) => Path.Combine(Directory, hash + ".status.json");
        public static string StopRequest(string hash) => Path.Combine(Directory, hash + ".stop");
        public static string DefaultLog(string hash) => Path.Combine(Directory, hash + ".log");
        public static string Console(string hash) => Path.Combine(Directory, hash + ".console.log");

        /// <summary>True when a process holds the key's lock (a bridge runs).</summary>
        public static bool IsHeld(string hash)
        {
            var path = Lock(hash);
            if (!File.Exists(path)) return false;
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)) { }
                return false;
            }
            catch (IOException) { return true; }
            catch (UnauthorizedAccessException) { return true; }
        }

        /// <summary>The hashes of every bridge that has a status file.</summary>
        public static IEnumerable<string> Known()
        {
            if (!System.IO.Directory.Exists(Directory)) return Enumerable.Empty<string>();
            return System.IO.Directory.GetFiles(Directory, "*.status.json").Select(p => Path.GetFileName(p).Replace(".status.json", "")).OrderBy(h => h, StringComparer.Ordinal);
        }

        public static JObject? ReadStatus(string hash)
        {
            try { return File.Exists(Status(hash)) ? Json.Parse(File.ReadAllText(Status(hash))) as JObject : null; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException) { return null; }
        }

        /// <summary>The last <paramref name="lines"/> lines of a log file (its last 64 KiB at most), or none.</summary>
        public static string[] Tail(string? path, int lines)
        {
            if (lines <= 0 || string.IsNullOrEmpty(path) || !File.Exists(path)) return Array.Empty<string>();
            try
            {
                using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var take = (int)Math.Min(fs.Length, 64 * 1024);
                fs.Seek(-take, SeekOrigin.End);
                var buffer = new byte[take];
                var read = 0;
                while (read < take)
                {
                    var n = fs.Read(buffer, read, take - read);
                    if (n == 0) break;
                    read += n;
                }
                var all = Encoding.UTF8.GetString(buffer, 0, read).Split('\n').Where(l => l.Trim().Length > 0).ToArray();
                if (take < fs.Length && all.Length > 0) all = all.Skip(1).ToArray(); // the first line may be cut
                return all.Skip(Math.Max(0, all.Length - lines)).ToArray();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        /// <summary>A status as Get-ClawdTalkBridge shows it, from a status file written by another process.</summary>
        public static BridgeStatus FromFile(JObject f, bool running)
        {
            var s = new BridgeStatus
            {
                Name = Json.Str(f, "name") ?? "", State = running && Enum.TryParse<BridgeState>(Json.Str(f, "state"), out var st) ? st : BridgeState.Stopped,
                Since = Json.Date(f, "since") ?? default, StartedAt = Json.Date(f, "started") ?? default, ReconnectCount = Json.Int(f, "reconnects") ?? 0,
                CallsInProgress = running ? Json.Int(f, "calls_in_progress") ?? 0 : 0, RequestsReceived = (long?)Json.Double(f, "requests_received") ?? 0,
                RequestsAnswered = (long?)Json.Double(f, "requests_answered") ?? 0, SmsReplies = (long?)Json.Double(f, "sms_replies") ?? 0,
                LastError = Json.Str(f, "last_error"), LastErrorId = Json.Str(f, "last_error_id"), AgentId = Json.Str(f, "agent_id") ?? "",
                LogFile = Json.Str(f, "log_file"), LockFile = Json.Str(f, "lock_file"), ProcessId = Json.Int(f, "pid") ?? 0, Mode = Json.Str(f, "mode") ?? "Process",
                InstanceId = Guid.TryParse(Json.Str(f, "instance_id"), out var g) ? g : Guid.Empty,
            };
            if (Uri.TryCreate(Json.Str(f, "server"), UriKind.Absolute, out var server)) s.Server = server;
            if (Uri.TryCreate(Json.Str(f, "gateway_url"), UriKind.Absolute, out var gw)) s.GatewayUrl = gw;
            s.GatewayState = Enum.TryParse<GatewayState>(Json.Str(f, "gateway_state"), out var gs) ? gs : GatewayState.Unknown;
            s.GatewayProblem = Json.Str(f, "gateway_problem");
            s.ApprovalMode = Enum.TryParse<ApprovalMode>(Json.Str(f, "approval_mode"), out var am) ? am : ApprovalMode.Intent;
            s.AllowAnySender = Json.Bool(f, "allow_any_sender") == true;
            if (f["owner_numbers"] is JArray owners) s.OwnerNumbers = owners.Select(o => o.ToString()).Where(n => Numbers.E164.IsCanonical(n)).ToArray();
            if (f["ignored_senders"] is JArray ignored)
                s.IgnoredSenders = ignored.OfType<JObject>().Where(i => Numbers.E164.IsCanonical(Json.Str(i, "number")))
                    .Select(i => new BridgeSender { Number = Json.Str(i, "number")!, Texts = Json.Int(i, "texts") ?? 0, FirstSeen = Json.Date(i, "first_seen") ?? default, LastSeen = Json.Date(i, "last_seen") ?? default }).ToArray();
            if (f["recent_errors"] is JArray errors)
                s.RecentErrors = errors.OfType<JObject>().Select(e => new BridgeError { Time = Json.Date(e, "time") ?? default, ErrorId = Json.Str(e, "error_id") ?? "", Message = Json.Str(e, "message") ?? "" }).ToArray();
            return s;
        }
    }

    /// <summary>
    /// Written by the process a bridge runs in, so any session of the user can see it (Get-ClawdTalkBridge,
    /// Get-ClawdTalkStatus) and stop or restart it (Stop-/Restart-ClawdTalkBridge): the status file is rewritten every
    /// second while something changed and once more when the bridge stops; the stop-request file is checked every second.
    /// </summary>
    internal sealed class BridgeStatusFile : IDisposable
    {
        readonly BridgeRunner _runner;
        readonly string _hash;
        readonly Guid _instanceId;
        readonly JObject? _launch;
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        readonly Task _loop;
        string _last = "";

        /// <param name="onStopRequest">Called once when another process asks this bridge to stop (true: to restart).</param>
        public BridgeStatusFile(BridgeRunner runner, Guid instanceId, JObject? launch, Action<bool> onStopRequest)
        {
            _runner = runner;
            _hash = BridgeLock.KeyHash(runner.Options.ApiKey);
            _instanceId = instanceId;
            _launch = launch;
            try { File.Delete(BridgeFiles.StopRequest(_hash)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            Write();
            _loop = Task.Run(() => LoopAsync(onStopRequest));
        }

        public string Path => BridgeFiles.Status(_hash);

        async Task LoopAsync(Action<bool> onStopRequest)
        {
            var asked = false;
            while (!_stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                Write();
                var request = BridgeFiles.StopRequest(_hash);
                if (asked || !File.Exists(request)) continue;
                string text;
                try { text = File.ReadAllText(request); File.Delete(request); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { continue; }
                asked = true;
                var restart = text.IndexOf("restart", StringComparison.OrdinalIgnoreCase) >= 0;
                _runner.Log.Write(BridgeLogLevel.Information, restart ? "restart_requested" : "stop_requested",
                    restart ? "Another process asked the bridge to restart." : "Another process asked the bridge to stop.");
                _ = Task.Run(() => onStopRequest(restart));
            }
        }

        /// <summary>Writes the status when it changed (atomically, 0600).</summary>
        public void Write()
        {
            var s = _runner.Snapshot();
            var o = new JObject
            {
                ["name"] = s.Name, ["instance_id"] = _instanceId.ToString(), ["pid"] = s.ProcessId, ["host"] = Environment.MachineName, ["mode"] = s.Mode,
                ["state"] = s.State.ToString(), ["since"] = Iso(s.Since), ["started"] = Iso(s.StartedAt), ["reconnects"] = s.ReconnectCount,
                ["calls_in_progress"] = s.CallsInProgress, ["requests_received"] = s.RequestsReceived, ["requests_answered"] = s.RequestsAnswered,
                ["sms_replies"] = s.SmsReplies, ["last_error"] = s.LastError, ["last_error_id"] = s.LastErrorId,
                ["recent_errors"] = new JArray(s.RecentErrors.Select(e => new JObject { ["time"] = Iso(e.Time), ["error_id"] = e.ErrorId, ["message"] = e.Message })),
                ["server"] = s.Server?.GetLeftPart(UriPartial.Path), ["gateway_url"] = s.GatewayUrl?.AbsoluteUri, ["agent_id"] = s.AgentId,
                ["log_file"] = s.LogFile, ["lock_file"] = BridgeFiles.Lock(_hash),
                ["gateway_state"] = s.GatewayState.ToString(), ["gateway_problem"] = s.GatewayProblem, ["approval_mode"] = s.ApprovalMode.ToString(),
                ["allow_any_sender"] = s.AllowAnySender, ["owner_numbers"] = new JArray(s.OwnerNumbers),
                ["ignored_senders"] = new JArray(s.IgnoredSenders.Select(i => new JObject { ["number"] = i.Number, ["texts"] = i.Texts, ["first_seen"] = Iso(i.FirstSeen), ["last_seen"] = Iso(i.LastSeen) })),
            };
            if (_launch != null) o["launch"] = _launch;
            var text = o.ToString(Formatting.Indented) + "\n";
            if (text == _last) return;
            try
            {
                AtomicFile.WriteAllText(Path, Secrets.Redact(text, _runner.Options.ApiKey, _runner.Options.GatewayToken));
                _last = text;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        static string Iso(DateTimeOffset t) => t.ToString("o", CultureInfo.InvariantCulture);

        public void Dispose()
        {
            _stop.Cancel();
            try { _loop.Wait(TimeSpan.FromSeconds(3)); } catch (AggregateException) { }
            Write();
        }
    }
}
