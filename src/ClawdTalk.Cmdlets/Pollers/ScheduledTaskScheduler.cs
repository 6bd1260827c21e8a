using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace ClawdTalk.Pollers
{
    /// <summary>
    /// Pollers as Windows Task Scheduler tasks (PowerShell 7 on Windows), through schtasks.exe: one task per mission,
    /// `\ClawdTalk\poller-&lt;slug&gt;`, created from a task XML (no 261-character limit on the command, repetition without
    /// end, hidden, one instance at a time) whose description carries the tag. 30 s is two time triggers 30 s apart,
    /// each repeating every minute (Task Scheduler's shortest repetition).
    /// </summary>
    internal sealed class ScheduledTaskScheduler : PollerSchedulerBase
    {
        public const string Folder = @"\ClawdTalk\";
        public const string Prefix = "poller-";
        static readonly XNamespace Ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        readonly IProcessRunner _runner;
        readonly bool _useLock;

        public ScheduledTaskScheduler(IProcessRunner runner, string? schtasks = null, bool useLock = true)
        {
            _runner = runner;
            _useLock = useLock;
            Schtasks = schtasks ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "schtasks.exe");
        }

        public override string Name => "ScheduledTask";
        public string Schtasks { get; }
        public override bool Available => File.Exists(Schtasks);
        protected override string? LockPath => _useLock ? base.LockPath : null;

        public static string TaskName(string slug) => Folder + Prefix + slug;

        /// <summary>Where the task XML is written for schtasks /Create /XML (deleted right after).</summary>
        internal Func<PollerSpec, string> XmlFile = spec => Path.Combine(Path.GetTempPath(), "clawdtalk-poller-" + spec.Slug + "-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".xml");

        /// <summary>The action: the program and its arguments (the tick's output appended to its log by PowerShell).</summary>
        public static (string command, string arguments) Action(PollerCommand c)
        {
            var script = new StringBuilder();
            foreach (var kv in c.Environment.Where(kv => kv.Key != PollerCommand.ModuleEnv))
                script.Append("$env:").Append(kv.Key).Append(" = ").Append(CommandLine.QuotePs(kv.Value)).Append("; ");
            script.Append(c.TickScript).Append(" *>> ").Append(CommandLine.QuotePs(c.LogPath));
            if (c.Runner == PollerRunner.ClawdTalkHost)
            {
                // the host imports the module before the script runs, so its path goes in the environment, via cmd.exe
                var host = new List<string> { c.Program };
                host.AddRange(c.Arguments(c.TickScript));
                var line = new StringBuilder("/d /s /c \"");
                foreach (var kv in c.Environment) line.Append("set \"").Append(kv.Key).Append('=').Append(kv.Value).Append("\" && ");
                line.Append(CommandLine.Join(host)).Append(" >> ").Append(CommandLine.QuoteWindows(c.LogPath)).Append(" 2>&1\"");
                return (Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "cmd.exe"), line.ToString());
            }
            var args = c.PrefixArguments.Concat(new[] { "-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden", "-Command", script.ToString() });
            return (c.Program, CommandLine.Join(args));
        }

        /// <summary>The task definition (Task Scheduler schema 1.2).</summary>
        public static XDocument TaskXml(PollerSpec spec)
        {
            var start = spec.RegisteredAt.LocalDateTime.AddSeconds(15);
            string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            XElement Trigger(DateTime at, TimeSpan every) => new XElement(Ns + "TimeTrigger",
                new XElement(Ns + "Repetition", new XElement(Ns + "Interval", XmlConvert.ToString(every)), new XElement(Ns + "StopAtDurationEnd", false)),
                new XElement(Ns + "StartBoundary", Time(at)),
                new XElement(Ns + "Enabled", true));
            var triggers = spec.Interval < TimeSpan.FromMinutes(1)
                ? new[] { Trigger(start, TimeSpan.FromMinutes(1)), Trigger(start.AddSeconds(30), TimeSpan.FromMinutes(1)) }
                : new[] { Trigger(start, spec.Interval) };
            var (command, arguments) = Action(spec.Command);
            return new XDocument(new XDeclaration("1.0", "UTF-16", null),
                new XElement(Ns + "Task", new XAttribute("version", "1.2"),
                    new XElement(Ns + "RegistrationInfo",
                        new XElement(Ns + "Description", Describe(spec) + " (ClawdTalk: polls the mission and removes itself when it ends)"),
                        new XElement(Ns + "URI", TaskName(spec.Slug))),
                    new XElement(Ns + "Triggers", triggers),
                    new XElement(Ns + "Principals", new XElement(Ns + "Principal", new XAttribute("id", "Author"),
                        new XElement(Ns + "LogonType", "InteractiveToken"), new XElement(Ns + "RunLevel", "LeastPrivilege"))),
                    new XElement(Ns + "Settings",
                        new XElement(Ns + "MultipleInstancesPolicy", "IgnoreNew"),
                        new XElement(Ns + "DisallowStartIfOnBatteries", false),
                        new XElement(Ns + "StopIfGoingOnBatteries", false),
                        new XElement(Ns + "StartWhenAvailable", true),
                        new XElement(Ns + "Enabled", true),
                        new XElement(Ns + "Hidden", true),
                        new XElement(Ns + "ExecutionTimeLimit", "PT10M")),
                    new XElement(Ns + "Actions", new XAttribute("Context", "Author"),
                        new XElement(Ns + "Exec", new XElement(Ns + "Command", command), new XElement(Ns + "Arguments", arguments)))));
        }

        /// <summary>The schtasks.exe arguments that create the task from <paramref name="xmlPath"/>.</summary>
        public static IReadOnlyList<string> CreateArguments(string slug, string xmlPath) => new[] { "/Create", "/TN", TaskName(slug), "/XML", xmlPath, "/F" };

        public static IReadOnlyList<string> DeleteArguments(string taskName) => new[] { "/Delete", "/TN", taskName, "/F" };

        public static IReadOnlyList<string> QueryArguments() => new[] { "/Query", "/FO", "CSV", "/NH" };

        public static IReadOnlyList<string> QueryXmlArguments(string taskName) => new[] { "/Query", "/TN", taskName, "/XML" };

        ProcessResult Run(IReadOnlyList<string> args, bool check = true)
        {
            var r = _runner.Run(Schtasks, args);
            if (check && r.ExitCode != 0)
                throw new ClawdTalkException(ErrorIds.PollerSchedulerFailed, ErrorCategory.InvalidResult,
                    $"schtasks {string.Join(" ", args.Take(3))} failed (exit code {r.ExitCode}): {(r.StdErr.Trim().Length > 0 ? r.StdErr.Trim() : r.StdOut.Trim())}", "schtasks");
            return r;
        }

        /// <summary>The task names of pollers in `schtasks /Query /FO CSV /NH` output (first column).</summary>
        public static IEnumerable<string> PollerTaskNames(string csv)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var raw in csv.Split('\n'))
            {
                var line = raw.Trim();
                if (!line.StartsWith("\"", StringComparison.Ordinal)) continue;
                var end = line.IndexOf('"', 1);
                if (end < 0) continue;
                var name = line.Substring(1, end - 1);
                if (name.StartsWith(Folder + Prefix, StringComparison.OrdinalIgnoreCase) && seen.Add(name)) yield return name;
            }
        }

        /// <summary>Reads a task's XML (as `schtasks /Query /XML` prints it) back into an entry.</summary>
        public static PollerEntry? EntryFromXml(string taskName, string xml)
        {
            XDocument doc;
            try { doc = XDocument.Parse(xml.TrimStart('\uFEFF')); }
            catch (XmlException) { return null; }
            var ns = doc.Root?.Name.Namespace ?? Ns;
            var description = doc.Descendants(ns + "Description").FirstOrDefault()?.Value ?? "";
            var tag = ParseTag(description);
            if (tag == null) return null;
            var exec = doc.Descendants(ns + "Exec").FirstOrDefault();
            var intervals = doc.Descendants(ns + "Interval").Select(i => i.Value).ToList();
            return new PollerEntry
            {
                Slug = tag.Value.slug,
                Backend = "ScheduledTask",
                Name = taskName,
                Interval = tag.Value.interval,
                RegisteredAt = tag.Value.since,
                Schedule = intervals.Count == 0 ? "" : $"{intervals.Count} trigger(s) repeating {string.Join(", ", intervals)}",
                Command = ((exec?.Element(ns + "Command")?.Value ?? "") + " " + (exec?.Element(ns + "Arguments")?.Value ?? "")).Trim(),
                LogPath = null,
            };
        }

        protected override IReadOnlyList<PollerEntry> ListUnlocked()
        {
            var list = new List<PollerEntry>();
            foreach (var name in PollerTaskNames(Run(QueryArguments()).StdOut))
            {
                var r = Run(QueryXmlArguments(name), check: false);
                if (r.ExitCode != 0) continue; // removed in between
                var e = EntryFromXml(name, r.StdOut);
                if (e != null)
                {
                    e.LogPath = PollerPaths.LogFile(e.Slug);
                    list.Add(e);
                }
            }
            return list;
        }

        protected override void RegisterUnlocked(PollerSpec spec, IReadOnlyList<PollerEntry> existing)
        {
            var path = XmlFile(spec);
            try
            {
                using (var w = new StreamWriter(path, false, new UnicodeEncoding(false, true))) TaskXml(spec).Save(w);
                Run(CreateArguments(spec.Slug, path));
            }
            finally
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            foreach (var e in existing.Where(e => !string.Equals(e.Name, TaskName(spec.Slug), StringComparison.OrdinalIgnoreCase)))
                Run(DeleteArguments(e.Name), check: false);
        }

        protected override int UnregisterUnlocked(string slug, IReadOnlyList<PollerEntry> existing)
        {
            foreach (var e in existing) Run(DeleteArguments(e.Name));
            return existing.Count;
        }
    }
}
