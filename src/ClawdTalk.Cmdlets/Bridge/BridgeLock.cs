using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ClawdTalk.Config;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// One bridge per API key on this machine (per user profile): an exclusive lock on `bridge/&lt;hash&gt;.lock` under the
    /// module's folder, named by a hash of the key (never the key), with a sidecar `.json` that says where the holder runs
    /// (host, process id and name, start time). The OS releases the lock when the holder dies, so a stale file never blocks.
    /// </summary>
    internal sealed class BridgeLock : IDisposable
    {
        readonly FileStream _stream;
        readonly string _infoPath;

        BridgeLock(FileStream stream, string lockPath, string infoPath)
        {
            _stream = stream;
            LockPath = lockPath;
            _infoPath = infoPath;
        }

        public string LockPath { get; }

        public static string Directory => Path.Combine(ModulePaths.BaseDirectory, "bridge");

        public static string KeyHash(string apiKey)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes("clawdtalk-bridge:" + apiKey));
            var sb = new StringBuilder();
            for (var i = 0; i < 12; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        /// <summary>
        /// The lock file opened exclusively. Another process asking whether a bridge runs (BridgeFiles.IsHeld, e.g.
        /// Get-ClawdTalkStatus) holds it for an instant: a refusal is tried again for half a second before it means that a
        /// bridge runs.
        /// </summary>
        static FileStream OpenExclusive(string lockPath)
        {
            var until = DateTime.UtcNow.AddMilliseconds(500);
            while (true)
            {
                try { return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None); }
                catch (IOException) when (DateTime.UtcNow < until) { System.Threading.Thread.Sleep(20); }
            }
        }

        /// <summary>Takes the lock or throws BridgeAlreadyRunning saying where the other bridge runs.</summary>
        public static BridgeLock Acquire(string apiKey, string bridgeName, Uri server)
        {
            var dir = Directory;
            AtomicFile.EnsureDirectory(dir);
            var hash = KeyHash(apiKey);
            var lockPath = Path.Combine(dir, hash + ".lock");
            var infoPath = Path.Combine(dir, hash + ".json");
            FileStream stream;
            Links.Refuse(lockPath);
            try
            {
                stream = OpenExclusive(lockPath);
                UnixPermissions.SetPrivate(lockPath, directory: false);
            }
            catch (IOException ex)
            {
                throw new ClawdTalkException(ErrorIds.BridgeAlreadyRunning, ErrorCategory.ResourceExists, Describe(ReadInfo(infoPath)), bridgeName, ex, terminating: true)
                {
                    RecommendedAction = "Stop the running bridge first (Stop-ClawdTalkBridge in its session, or end that process); a second bridge with the same key would be disconnected by the service (close code 4000).",
                };
            }
            using var self = Process.GetCurrentProcess();
            var info = new JObject
            {
                ["pid"] = self.Id, ["process"] = self.ProcessName, ["host"] = Environment.MachineName, ["user"] = Environment.UserName,
                ["name"] = bridgeName, ["server"] = server.GetLeftPart(UriPartial.Authority),
                ["started"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            };
            try { AtomicFile.WriteAllText(infoPath, info.ToString(Formatting.Indented) + "\n"); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return new BridgeLock(stream, lockPath, infoPath);
        }

        static JObject? ReadInfo(string path)
        {
            try { return File.Exists(path) ? Json.Parse(File.ReadAllText(path)) as JObject : null; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException) { return null; }
        }

        static string Describe(JObject? info)
        {
            if (info == null) return "A ClawdTalk bridge for this API key is already running on this machine.";
            var started = Json.Date(info, "started");
            var self = Process.GetCurrentProcess().Id;
            var pid = Json.Int(info, "pid");
            var where = pid == self ? "in this PowerShell process" : $"in process {pid} ({Json.Str(info, "process") ?? "unknown"})";
            return $"A ClawdTalk bridge for this API key is already running on {Json.Str(info, "host") ?? Environment.MachineName} {where}" +
                   $", named '{Json.Str(info, "name") ?? "?"}', connected to {Json.Str(info, "server") ?? "?"}" +
                   (started.HasValue ? $", since {started.Value.ToString("u", CultureInfo.InvariantCulture)}" : "") +
                   ". Only one bridge per key can be connected: the service would disconnect one of them.";
        }

        public void Dispose()
        {
            try { File.Delete(_infoPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // the .lock file itself stays: deleting it while held would let two processes lock two different files
            _stream.Dispose();
        }
    }
}
