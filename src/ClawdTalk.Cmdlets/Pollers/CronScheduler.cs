using System.Text;
using System.Text.RegularExpressions;

namespace ClawdTalk.Pollers
{
    /// <summary>
    /// Pollers as lines of the user's crontab (`crontab -l`, `crontab -`). Each line ends with a shell comment that tags
    /// it with the mission's slug (`# clawdtalk-poller:&lt;slug&gt; every=300s since=…`); only lines with that exact tag are
    /// ever removed or replaced, every other line of the crontab is written back as it was. A 30 s interval is two
    /// lines, the second starting with `sleep 30;`. The tick's output is appended to its log file.
    /// </summary>
    internal sealed class CronScheduler : PollerSchedulerBase
    {
        readonly IProcessRunner _runner;
        readonly string? _lockPath;

        public CronScheduler(IProcessRunner runner, string? crontab = null, bool useLock = true)
        {
            _runner = runner;
            Crontab = crontab ?? PollerCommand.FindOnPath("crontab") ?? "/usr/bin/crontab";
            _lockPath = useLock ? PollerPaths.SchedulerLock : null;
        }

        public override string Name => "cron";
        public string Crontab { get; }
        public override bool Available => System.IO.File.Exists(Crontab);

        /// <summary>The names a cron daemon runs under (Debian's cron, cronie's and busybox's crond, fcron).</summary>
        static readonly string[] Daemons = { "cron", "crond", "cronie", "fcron" };

        /// <summary>
        /// On Linux, whether a cron daemon runs (a process of that name in /proc): a crontab nobody reads never ticks, as in
        /// a container that has the crontab program but starts no daemon. Elsewhere (macOS runs cron on demand) and when
        /// /proc cannot be read: null, not known.
        /// </summary>
        public override bool? Runs
        {
            get
            {
                if (!Available) return false;
                if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) || !System.IO.Directory.Exists("/proc/self")) return null;
                try
                {
                    foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
                    {
                        var name = System.IO.Path.GetFileName(dir);
                        if (name.Length == 0 || !char.IsDigit(name[0])) continue;
                        string comm;
                        try { comm = System.IO.File.ReadAllText(System.IO.Path.Combine(dir, "comm")).Trim(); }
                        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException) { continue; }
                        if (Daemons.Contains(comm, StringComparer.Ordinal)) return true;
                    }
                    return false;
                }
                catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException) { return null; }
            }
        }
        protected override string? LockPath => _lockPath;

        // ---- the crontab text ----

        /// <summary>The current crontab ("" when the user has none).</summary>
        public string Read()
        {
            var r = _runner.Run(Crontab, new[] { "-l" });
            if (r.ExitCode == 0) return r.StdOut;
            if (r.StdErr.IndexOf("no crontab", StringComparison.OrdinalIgnoreCase) >= 0) return "";
            throw Failed("crontab -l", r);
        }

        /// <summary>Installs <paramref name="text"/> as the crontab; an empty text removes the crontab (as it was before the first poller).</summary>
        public void Write(string text)
        {
            if (text.Trim().Length == 0)
            {
                var rm = _runner.Run(Crontab, new[] { "-r" });
                if (rm.ExitCode != 0 && rm.StdErr.IndexOf("no crontab", StringComparison.OrdinalIgnoreCase) < 0) throw Failed("crontab -r", rm);
                return;
            }
            if (!text.EndsWith("\n", StringComparison.Ordinal)) text += "\n";
            var r = _runner.Run(Crontab, new[] { "-" }, text);
            if (r.ExitCode != 0) throw Failed("crontab -", r);
        }

        static ClawdTalkException Failed(string what, ProcessResult r) =>
            new ClawdTalkException(ErrorIds.PollerSchedulerFailed, ErrorCategory.InvalidResult,
                $"{what} failed (exit code {r.ExitCode}): {(r.StdErr.Trim().Length > 0 ? r.StdErr.Trim() : r.StdOut.Trim())}", what);

        static IEnumerable<string> Lines(string text)
        {
            if (text.Length == 0) yield break;
            var lines = text.Split('\n');
            var n = text.EndsWith("\n", StringComparison.Ordinal) ? lines.Length - 1 : lines.Length;
            for (var i = 0; i < n; i++) yield return lines[i];
        }

        /// <summary>True when the line carries the tag of <paramref name="slug"/> (active or commented out).</summary>
        static bool IsOf(string line, string slug) => ParseTag(line) is var t && t.HasValue && t.Value.slug == slug;

        /// <summary>The crontab with the slug's lines removed and <paramref name="add"/> appended; other lines unchanged.</summary>
        public static string Replace(string crontab, string slug, IEnumerable<string> add)
        {
            var kept = Lines(crontab).Where(l => !IsOf(l, slug)).ToList();
            kept.AddRange(add);
            return kept.Count == 0 ? "" : string.Join("\n", kept) + "\n";
        }

        // ---- entries ----

        /// <summary>The crontab lines of a poller.</summary>
        public static IReadOnlyList<string> LinesFor(PollerSpec spec)
        {
            var tag = " # " + Boundary.SinkText.Line(Describe(spec), "the crontab");
            var i = spec.Interval;
            var minute = StableMinute(spec.Slug);
            if (i < TimeSpan.FromMinutes(1))
                return new[] { "* * * * * " + CommandText(spec.Command, delaySeconds: 0) + tag, "* * * * * " + CommandText(spec.Command, delaySeconds: 30) + tag };
            string schedule;
            if (i < TimeSpan.FromHours(1)) schedule = i.TotalMinutes == 1 ? "* * * * *" : $"*/{(int)i.TotalMinutes} * * * *";
            else if (i < TimeSpan.FromDays(1)) schedule = i.TotalHours == 1 ? $"{minute} * * * *" : $"{minute} */{(int)i.TotalHours} * * *";
            else schedule = $"{minute} {StableMinute(spec.Slug + "h") % 24} * * *";
            return new[] { schedule + " " + CommandText(spec.Command, 0) + tag };
        }

        /// <summary>A minute from the slug, so hourly pollers of many missions do not all start at :00.</summary>
        static int StableMinute(string s)
        {
            unchecked
            {
                var h = 2166136261u;
                foreach (var c in s) h = (h ^ c) * 16777619u;
                return (int)(h % 60);
            }
        }

        /// <summary>
        /// The shell command of a poller line: `[sleep 30; ]NAME='path' … '/abs/pwsh' -NoProfile -NonInteractive -Command
        /// '…' &gt;&gt; '/abs/log' 2&gt;&amp;1`, with every `%` escaped for cron.
        /// </summary>
        public static string CommandText(PollerCommand c, int delaySeconds)
        {
            var sb = new StringBuilder();
            if (delaySeconds > 0) sb.Append("sleep ").Append(delaySeconds).Append("; ");
            foreach (var kv in c.Environment) sb.Append(kv.Key).Append('=').Append(CommandLine.QuoteSh(kv.Value)).Append(' ');
            sb.Append(CommandLine.QuoteSh(c.Program));
            foreach (var a in c.Arguments()) sb.Append(' ').Append(CommandLine.QuoteSh(a));
            sb.Append(" >> ").Append(CommandLine.QuoteSh(c.LogPath)).Append(" 2>&1");
            return Boundary.SinkText.Line(sb.ToString(), "the crontab").Replace("%", "\\%");
        }

        static readonly Regex Line = new Regex(@"^\s*(?<schedule>(?:@\w+)|(?:\S+\s+){4}\S+)\s+(?<command>.*?)\s+#\s*" + Tag + ":", RegexOptions.Compiled);
        static readonly Regex LogRedirect = new Regex(@">>\s*(?:'(?<q>[^']*)'|(?<p>\S+))\s+2>&1", RegexOptions.Compiled);

        /// <summary>The command part of a poller line as the shell gets it (cron's `\%` turned back into `%`).</summary>
        public static string? CommandOf(string line)
        {
            var m = Line.Match(line);
            return m.Success ? m.Groups["command"].Value.Replace("\\%", "%") : null;
        }

        public static IReadOnlyList<PollerEntry> Parse(string crontab)
        {
            var bySlug = new Dictionary<string, PollerEntry>(StringComparer.Ordinal);
            var order = new List<PollerEntry>();
            foreach (var line in Lines(crontab))
            {
                if (line.TrimStart().StartsWith("#", StringComparison.Ordinal)) continue;
                var tag = ParseTag(line);
                var m = Line.Match(line);
                if (tag == null || !m.Success) continue;
                var command = m.Groups["command"].Value.Replace("\\%", "%");
                if (bySlug.TryGetValue(tag.Value.slug, out var e))
                {
                    e.Schedule += "; " + m.Groups["schedule"].Value;
                    continue;
                }
                var log = LogRedirect.Match(command);
                e = new PollerEntry
                {
                    Slug = tag.Value.slug,
                    Backend = "cron",
                    Name = Tag + ":" + tag.Value.slug,
                    Interval = tag.Value.interval,
                    RegisteredAt = tag.Value.since,
                    Schedule = m.Groups["schedule"].Value,
                    Command = command.StartsWith("sleep ", StringComparison.Ordinal) ? command.Substring(command.IndexOf(';') + 1).Trim() : command,
                    LogPath = log.Success ? (log.Groups["q"].Success ? log.Groups["q"].Value.Replace("'\\''", "'") : log.Groups["p"].Value) : null,
                };
                bySlug[e.Slug] = e;
                order.Add(e);
            }
            return order;
        }

        protected override IReadOnlyList<PollerEntry> ListUnlocked() => Parse(Read());

        protected override void RegisterUnlocked(PollerSpec spec, IReadOnlyList<PollerEntry> existing) =>
            Write(Replace(Read(), spec.Slug, LinesFor(spec)));

        protected override int UnregisterUnlocked(string slug, IReadOnlyList<PollerEntry> existing)
        {
            var text = Read();
            var count = Lines(text).Count(l => IsOf(l, slug));
            if (count > 0) Write(Replace(text, slug, Array.Empty<string>()));
            return count;
        }
    }
}
