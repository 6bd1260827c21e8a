using System.Net.Http;
using ClawdTalk.IO;
using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Pollers
{
    /// <summary>What the poller cmdlets share: the module folder, the scheduled-event endpoints, and PollerInfo objects.</summary>
    internal static class PollerSupport
    {
        /// <summary>The folder of the imported module (where ClawdTalk.psd1 is), which a poller imports by absolute path.</summary>
        public static string ModuleBase(PSModuleInfo? module)
        {
            var fromModule = module?.ModuleBase;
            if (!string.IsNullOrEmpty(fromModule) && File.Exists(Path.Combine(fromModule, "ClawdTalk.psd1"))) return fromModule!;
            var location = typeof(PollerSupport).Assembly.Location;
            var dir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
            return !string.IsNullOrEmpty(fromModule) ? fromModule! : dir ?? Directory.GetCurrentDirectory();
        }

        /// <summary>Creates the poller folder (0700) and the log file (0600) before cron's shell would create it world-readable.</summary>
        public static void PrepareLog(string logPath)
        {
            AtomicFile.EnsureDirectory(Path.GetDirectoryName(logPath)!);
            Links.Refuse(logPath);
            if (!File.Exists(logPath))
            {
                using (new FileStream(logPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
            }
            UnixPermissions.SetPrivate(logPath, directory: false);
        }

        /// <summary>Keeps a log from growing without end: above 1 MB only its last 256 KB stay (same file, so appending writers go on).</summary>
        public static void TrimLog(string logPath)
        {
            try
            {
                var info = new FileInfo(logPath);
                if (!info.Exists || info.Length <= 1024 * 1024 || Links.IsLink(logPath)) return;
                using var fs = new FileStream(logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                var keep = new byte[256 * 1024];
                fs.Seek(-keep.Length, SeekOrigin.End);
                var read = 0;
                while (read < keep.Length) { var n = fs.Read(keep, read, keep.Length - read); if (n == 0) break; read += n; }
                var start = Array.IndexOf(keep, (byte)'\n', 0, read) + 1;
                fs.SetLength(0);
                fs.Write(keep, start, read - start);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        public static PollerInfo ToInfo(PollerEntry e, JObject? root)
        {
            var info = new PollerInfo
            {
                Slug = e.Slug, Backend = e.Backend, Name = e.Name, Interval = e.Interval, Schedule = e.Schedule, Command = e.Command,
                LogPath = e.LogPath, RegisteredAt = e.RegisteredAt,
            };
            if (root == null) info.MissionStatus = "Unknown";
            else if (!(root[e.Slug] is JObject entry)) info.MissionStatus = "Missing";
            else
            {
                var s = Json.Str(entry, StateKeys.Status) ?? "active";
                info.MissionStatus = char.ToUpperInvariant(s[0]) + s.Substring(1);
                info.NotifyAgent = AgentNotice.Wanted(entry);
            }
            info.Orphaned = info.MissionStatus != "Active" && info.MissionStatus != "Unknown";
            return info;
        }

        /// <summary>The state file as a whole, or null when it cannot be read (a poller listing never fails on it).</summary>
        public static JObject? TryReadStore(MissionStateStore store)
        {
            try { return store.ReadAll(); }
            catch (ClawdTalkException) { return null; }
        }

        /// <summary>The platform's scheduler, or a PollerSchedulerUnavailable error when its tool is not installed.</summary>
        public static IPollerScheduler RequireScheduler()
        {
            var s = PollerSchedulers.ForPlatform();
            if (!s.Available)
                throw new ClawdTalkException(ErrorIds.PollerSchedulerUnavailable, ErrorCategory.NotInstalled,
                    s.Name == "cron" ? "crontab is not installed, so no poller can be registered. Install cron (Debian/Ubuntu: apt-get install cron)."
                        : $"The {s.Name} scheduler is not available on this machine.", s.Name) { Terminating = true };
            return s;
        }
    }
}
