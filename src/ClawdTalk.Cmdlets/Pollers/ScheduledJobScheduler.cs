using System.Text;

namespace ClawdTalk.Pollers
{
    /// <summary>Runs PowerShell text for a scheduler that is itself a PowerShell module (PSScheduledJob). Tests record instead.</summary>
    internal interface IScriptRunner
    {
        IReadOnlyList<PSObject> Invoke(string script);
    }

    /// <summary>Runs the script in the calling cmdlet's runspace (a nested pipeline on the pipeline thread).</summary>
    internal sealed class CurrentRunspaceScripts : IScriptRunner
    {
        public static readonly CurrentRunspaceScripts Instance = new CurrentRunspaceScripts();

        public IReadOnlyList<PSObject> Invoke(string script)
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddScript(script);
            var output = ps.Invoke();
            if (ps.HadErrors && ps.Streams.Error.Count > 0)
                throw new ClawdTalkException(ErrorIds.PollerSchedulerFailed, ErrorCategory.InvalidResult,
                    "PSScheduledJob failed: " + ps.Streams.Error[0], "PSScheduledJob");
            return output.ToList();
        }
    }

    /// <summary>
    /// Pollers as PSScheduledJob jobs (Windows PowerShell 5.1): `ClawdTalk-poller-&lt;slug&gt;`, a job trigger repeating
    /// indefinitely (two, 30 s apart, for the 30 s interval), one instance at a time. The script block starts with the
    /// tag as a comment, which is how List reads the interval back.
    /// </summary>
    internal sealed class ScheduledJobScheduler : PollerSchedulerBase
    {
        public const string Prefix = "ClawdTalk-poller-";
        readonly IScriptRunner _scripts;
        readonly bool _useLock;

        public ScheduledJobScheduler(IScriptRunner scripts, bool useLock = true)
        {
            _scripts = scripts;
            _useLock = useLock;
        }

        public override string Name => "ScheduledJob";
        protected override string? LockPath => _useLock ? base.LockPath : null;

        public static string JobName(string slug) => Prefix + slug;

        /// <summary>The job's script block: the tag, the carried environment, the tick with its output appended to the log.</summary>
        public static string JobScript(PollerSpec spec)
        {
            var c = spec.Command;
            var sb = new StringBuilder();
            sb.Append("# ").Append(Describe(spec)).Append('\n');
            foreach (var kv in c.Environment.Where(kv => kv.Key != PollerCommand.ModuleEnv))
                sb.Append("$env:").Append(kv.Key).Append(" = ").Append(CommandLine.QuotePs(kv.Value)).Append('\n');
            var manifest = c.ModuleManifest ?? "ClawdTalk";
            sb.Append("Import-Module ").Append(CommandLine.QuotePs(manifest)).Append("; Invoke-ClawdTalkPoll -Slug ").Append(CommandLine.QuotePs(spec.Slug))
              .Append(" *>> ").Append(CommandLine.QuotePs(c.LogPath)).Append('\n');
            return sb.ToString();
        }

        /// <summary>The Windows PowerShell script that (re)registers the job.</summary>
        public static string RegisterScript(PollerSpec spec)
        {
            var seconds = ((int)Math.Max(60, spec.Interval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var triggers = spec.Interval < TimeSpan.FromMinutes(1)
                ? "    (New-JobTrigger -Once -At $start -RepetitionInterval ([timespan]::FromSeconds(60)) -RepeatIndefinitely)\n" +
                  "    (New-JobTrigger -Once -At $start.AddSeconds(30) -RepetitionInterval ([timespan]::FromSeconds(60)) -RepeatIndefinitely)\n"
                : $"    (New-JobTrigger -Once -At $start -RepetitionInterval ([timespan]::FromSeconds({seconds})) -RepeatIndefinitely)\n";
            return "$ErrorActionPreference = 'Stop'\n" +
                   "Import-Module PSScheduledJob\n" +
                   $"$name = {CommandLine.QuotePs(JobName(spec.Slug))}\n" +
                   "Get-ScheduledJob -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq $name } | Unregister-ScheduledJob -Force\n" +
                   "$start = [datetime]::Now.AddSeconds(15)\n" +
                   "$triggers = @(\n" + triggers + ")\n" +
                   "$options = New-ScheduledJobOption -MultipleInstancePolicy IgnoreNew -StartIfOnBattery -ContinueIfGoingOnBattery\n" +
                   "$script = [scriptblock]::Create(@'\n" + JobScript(spec) + "'@)\n" +
                   "Register-ScheduledJob -Name $name -Trigger $triggers -ScheduledJobOption $options -ScriptBlock $script -MaxResultCount 5 | Out-Null\n";
        }

        public static string ListScript() =>
            "Get-ScheduledJob -ErrorAction SilentlyContinue | Where-Object { $_.Name -like " + CommandLine.QuotePs(Prefix + "*") + " } | ForEach-Object { " +
            "[pscustomobject]@{ Name = $_.Name; Command = [string]$_.Command; Triggers = (@($_.JobTriggers) | ForEach-Object { [string]$_.RepetitionInterval }) -join ', ' } }";

        public static string UnregisterScript(string slug) =>
            "Get-ScheduledJob -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq " + CommandLine.QuotePs(JobName(slug)) + " } | Unregister-ScheduledJob -Force";

        /// <summary>Reads the objects of <see cref="ListScript"/> back into entries.</summary>
        public static IReadOnlyList<PollerEntry> Parse(IEnumerable<PSObject> items)
        {
            var list = new List<PollerEntry>();
            foreach (var o in items)
            {
                var name = o.Properties["Name"]?.Value as string ?? "";
                var command = o.Properties["Command"]?.Value as string ?? "";
                var tag = ParseTag(command);
                if (tag == null || !name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
                list.Add(new PollerEntry
                {
                    Slug = tag.Value.slug,
                    Backend = "ScheduledJob",
                    Name = name,
                    Interval = tag.Value.interval,
                    RegisteredAt = tag.Value.since,
                    Schedule = "repeating " + (o.Properties["Triggers"]?.Value as string ?? ""),
                    Command = string.Join("; ", command.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal))),
                    LogPath = PollerPaths.LogFile(tag.Value.slug),
                });
            }
            return list;
        }

        protected override IReadOnlyList<PollerEntry> ListUnlocked() => Parse(_scripts.Invoke(ListScript()));

        protected override void RegisterUnlocked(PollerSpec spec, IReadOnlyList<PollerEntry> existing) => _scripts.Invoke(RegisterScript(spec));

        protected override int UnregisterUnlocked(string slug, IReadOnlyList<PollerEntry> existing)
        {
            if (existing.Count > 0) _scripts.Invoke(UnregisterScript(slug));
            return existing.Count;
        }
    }
}
