using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ClawdTalk.IO;

namespace ClawdTalk.Pollers
{
    /// <summary>A poller to register: which mission, how often, what to run.</summary>
    internal sealed class PollerSpec
    {
        public PollerSpec(string slug, TimeSpan interval, PollerCommand command, DateTimeOffset registeredAt)
        {
            Slug = slug;
            Interval = PollInterval.Normalize(interval);
            Command = command;
            RegisteredAt = registeredAt;
        }

        public string Slug { get; }
        public TimeSpan Interval { get; }
        public PollerCommand Command { get; }
        public DateTimeOffset RegisteredAt { get; }
    }

    /// <summary>A poller as the scheduler holds it.</summary>
    internal sealed class PollerEntry
    {
        public string Slug = "";
        public string Backend = "";
        public string Name = "";
        public TimeSpan? Interval;
        public string Schedule = "";
        public string Command = "";
        public string? LogPath;
        public DateTimeOffset? RegisteredAt;
    }

    /// <summary>
    /// One platform scheduler. Every poller is tagged with its mission's slug, so it is found and removed exactly and
    /// nothing else the user scheduled is touched.
    /// </summary>
    internal interface IPollerScheduler
    {
        /// <summary>cron, ScheduledTask or ScheduledJob.</summary>
        string Name { get; }

        /// <summary>False when the scheduler's tool is not installed (then no poller can exist).</summary>
        bool Available { get; }

        /// <summary>
        /// Whether what the scheduler holds actually runs: false when the tool is installed but its service does not run
        /// (a container without a cron daemon), null when that cannot be told.
        /// </summary>
        bool? Runs { get; }

        /// <summary>Registers the poller, replacing any the slug has (and, with <paramref name="onlyIfPresent"/>, only when it has one). Returns whether it registered.</summary>
        bool Register(PollerSpec spec, bool onlyIfPresent = false);

        IReadOnlyList<PollerEntry> List();

        /// <summary>Removes every entry of the slug; returns how many there were.</summary>
        int Unregister(string slug);
    }

    /// <summary>The shared part: a cross-process lock around each read-modify-write, and the tag the entries carry.</summary>
    internal abstract class PollerSchedulerBase : IPollerScheduler
    {
        public const string Tag = "clawdtalk-poller";
        static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

        public abstract string Name { get; }
        public virtual bool Available => true;
        public virtual bool? Runs => Available;

        protected abstract IReadOnlyList<PollerEntry> ListUnlocked();
        protected abstract void RegisterUnlocked(PollerSpec spec, IReadOnlyList<PollerEntry> existing);
        protected abstract int UnregisterUnlocked(string slug, IReadOnlyList<PollerEntry> existing);

        /// <summary>Null in unit tests (no lock file); the scheduler lock otherwise.</summary>
        protected virtual string? LockPath => PollerPaths.SchedulerLock;

        T Locked<T>(Func<T> work)
        {
            var path = LockPath;
            if (path == null) return work();
            using (FileLock.Acquire(path, LockTimeout)) return work();
        }

        public bool Register(PollerSpec spec, bool onlyIfPresent = false) => Locked(() =>
        {
            Boundary.Slugs.Check(spec.Slug, "The poller's slug");
            var existing = ListUnlocked().Where(e => e.Slug == spec.Slug).ToList();
            if (onlyIfPresent && existing.Count == 0) return false;
            RegisterUnlocked(spec, existing);
            return true;
        });

        public IReadOnlyList<PollerEntry> List() => Locked(ListUnlocked);

        public int Unregister(string slug) => Locked(() =>
        {
            Boundary.Slugs.Check(slug, "The poller's slug");
            var existing = ListUnlocked().Where(e => e.Slug == slug).ToList();
            return UnregisterUnlocked(slug, existing);
        });

        /// <summary>`clawdtalk-poller:&lt;slug&gt; every=300s since=2026-01-01T00:00:00Z`: the tag with what List reads back.</summary>
        public static string Describe(PollerSpec spec) =>
            $"{Tag}:{spec.Slug} every={(int)spec.Interval.TotalSeconds}s since={spec.RegisteredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";

        static readonly Regex Meta = new Regex(@"(?:^|\s)" + Tag + @":(?<slug>[a-z0-9-]+)(?<rest>(?:\s+[a-z]+=\S*)*)", RegexOptions.Compiled);

        /// <summary>Reads a tag back (slug, interval, registration time); null when the text carries none.</summary>
        public static (string slug, TimeSpan? interval, DateTimeOffset? since)? ParseTag(string text)
        {
            var m = Meta.Match(text);
            if (!m.Success) return null;
            TimeSpan? interval = null;
            DateTimeOffset? since = null;
            foreach (var kv in m.Groups["rest"].Value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var i = kv.IndexOf('=');
                var k = kv.Substring(0, i);
                var v = kv.Substring(i + 1);
                if (k == "every" && v.EndsWith("s", StringComparison.Ordinal)
                    && int.TryParse(v.Substring(0, v.Length - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) interval = TimeSpan.FromSeconds(s);
                if (k == "since" && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) since = d;
            }
            return (m.Groups["slug"].Value, interval, since);
        }
    }

    /// <summary>Picks the scheduler of this platform.</summary>
    internal static class PollerSchedulers
    {
        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Windows PowerShell 5.1 runs on .NET Framework.</summary>
        public static bool IsDesktopEdition => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>cron on Linux and macOS, ScheduledTask on Windows with PowerShell 7, ScheduledJob on Windows PowerShell 5.1.</summary>
        public static IPollerScheduler ForPlatform()
        {
            if (!IsWindows) return new CronScheduler(SystemProcessRunner.Instance);
            return IsDesktopEdition ? new ScheduledJobScheduler(CurrentRunspaceScripts.Instance) : (IPollerScheduler)new ScheduledTaskScheduler(SystemProcessRunner.Instance);
        }
    }
}
