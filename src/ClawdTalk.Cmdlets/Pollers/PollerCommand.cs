using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Pollers
{
    /// <summary>Which program a poller runs.</summary>
    internal enum PollerRunner
    {
        /// <summary>PowerShell 7 (pwsh): imports the module by its absolute path.</summary>
        Pwsh,
        /// <summary>Windows PowerShell 5.1 (powershell.exe).</summary>
        WindowsPowerShell,
        /// <summary>The `clawdtalk` host, which imports the module itself (CLAWDTALK_MODULE pins which one).</summary>
        ClawdTalkHost,
    }

    /// <summary>Where pollers keep their files: the tick logs and locks, beside the configuration unless CLAWDTALK_POLLERS says otherwise.</summary>
    internal static class PollerPaths
    {
        public const string DirectoryEnv = "CLAWDTALK_POLLERS";

        public static string Directory
        {
            get
            {
                var env = Environment.GetEnvironmentVariable(DirectoryEnv);
                if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env!.Trim());
                return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ModulePaths.ConfigFile))!, "pollers");
            }
        }

        /// <summary>The log of a mission's poller: a file of this folder named by the slug (checked, so the path cannot leave the folder).</summary>
        public static string LogFile(string slug) => Boundary.SinkText.FileIn(Directory, Boundary.Slugs.Check(slug, "The poller's slug") + ".log", "the poller's log");

        /// <summary>Held by a tick of this mission (FileLock adds `.lock`).</summary>
        public static string TickLock(string slug) => Boundary.SinkText.FileIn(Directory, Boundary.Slugs.Check(slug, "The poller's slug") + ".tick", "the poller's lock");

        /// <summary>Held around every read-modify-write of the scheduler, so registrations and removals never interleave.</summary>
        public static string SchedulerLock => Path.Combine(Directory, "scheduler");
    }

    /// <summary>
    /// What a poller runs: the absolute path of pwsh (or the clawdtalk host, or Windows PowerShell) with -NoProfile
    /// -NonInteractive and one command, `Invoke-ClawdTalkPoll -Slug '…'`. Only non-secret environment variables travel
    /// with it (the state, config and poller paths, the module path, DOTNET_ROOT): the API key comes from the
    /// configuration or the environment of the scheduler, never from the command line.
    /// </summary>
    internal sealed class PollerCommand
    {
        /// <summary>
        /// The variables a poller's command may carry, all of them paths: where the state, configuration and poller files
        /// are (XDG_CONFIG_HOME moves the default folder on Unix, and cron does not set it), and the .NET runtime.
        /// </summary>
        public static readonly string[] CarriedEnvironment = { ModulePaths.StateEnv, ModulePaths.ConfigEnv, PollerPaths.DirectoryEnv, "XDG_CONFIG_HOME", "DOTNET_ROOT" };

        public PollerCommand(PollerRunner runner, string program, IReadOnlyList<string> prefixArguments, string? moduleManifest,
            IReadOnlyList<KeyValuePair<string, string>> environment, string slug, string logPath)
        {
            foreach (var kv in environment)
                if (!CarriedEnvironment.Contains(kv.Key) && kv.Key != ModuleEnv)
                    throw new ArgumentException("Only path variables may be carried by a poller's command: " + kv.Key);
            Runner = runner;
            Program = program;
            PrefixArguments = prefixArguments;
            ModuleManifest = moduleManifest;
            Environment = environment;
            Slug = slug;
            LogPath = logPath;
        }

        public const string ModuleEnv = "CLAWDTALK_MODULE";

        public PollerRunner Runner { get; }
        /// <summary>Absolute path of the program (dotnet when the host runs as `dotnet clawdtalk.dll`).</summary>
        public string Program { get; }
        public IReadOnlyList<string> PrefixArguments { get; }
        public string? ModuleManifest { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }
        public string Slug { get; }
        public string LogPath { get; }

        /// <summary>The PowerShell text of one tick.</summary>
        public string TickScript =>
            (Runner != PollerRunner.ClawdTalkHost && ModuleManifest != null ? "Import-Module " + CommandLine.QuotePs(ModuleManifest) + "; " : "")
            + "Invoke-ClawdTalkPoll -Slug " + CommandLine.QuotePs(Slug);

        /// <summary>The program's arguments: [prefix…] -NoProfile -NonInteractive -Command &lt;tick&gt;.</summary>
        public IReadOnlyList<string> Arguments(string? script = null) =>
            PrefixArguments.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", script ?? TickScript }).ToList();

        /// <summary>What the state file keeps of the command (paths only), so a tick can register it again with another interval.</summary>
        public JObject ToJson()
        {
            var env = new JObject();
            foreach (var kv in Environment) env[kv.Key] = kv.Value;
            return new JObject
            {
                ["runner"] = Runner.ToString(), ["program"] = Program, ["arguments"] = new JArray(PrefixArguments.ToArray()),
                ["module"] = ModuleManifest, ["environment"] = env,
            };
        }

        /// <summary>The command kept by <see cref="ToJson"/>; null when the record is missing or unusable.</summary>
        public static PollerCommand? FromJson(JObject? o, string slug)
        {
            if (o == null || !Enum.TryParse<PollerRunner>(Json.Str(o, "runner") ?? "", out var runner)) return null;
            var program = Json.Str(o, "program");
            if (program == null) return null;
            var prefix = (o["arguments"] as JArray)?.Select(a => (string?)a ?? "").ToList() ?? new List<string>();
            var env = (o["environment"] as JObject)?.Properties().Where(p => p.Value.Type == JTokenType.String)
                .Select(p => new KeyValuePair<string, string>(p.Name, (string)p.Value!)).ToList() ?? new List<KeyValuePair<string, string>>();
            try { return new PollerCommand(runner, program, prefix, Json.Str(o, "module"), env, slug, PollerPaths.LogFile(slug)); }
            catch (ArgumentException) { return null; }
        }

        // ---- building one for this process ----

        static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// The command for <paramref name="slug"/>: <paramref name="executable"/> when given, else the program running
        /// this session (pwsh, powershell.exe or the clawdtalk host), else pwsh or clawdtalk found on PATH.
        /// </summary>
        public static PollerCommand For(string slug, string? executable, string moduleBase)
        {
            var (runner, program, prefix) = executable != null ? FromExecutable(executable) : FromThisProcess() ?? FromPath();
            var manifest = Path.Combine(moduleBase, "ClawdTalk.psd1");
            if (!File.Exists(manifest)) manifest = Path.Combine(moduleBase, "ClawdTalk.Cmdlets.dll");
            var env = new List<KeyValuePair<string, string>>();
            foreach (var name in CarriedEnvironment)
            {
                var v = System.Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrWhiteSpace(v)) env.Add(new KeyValuePair<string, string>(name, name == "DOTNET_ROOT" ? v! : Path.GetFullPath(v!)));
            }
            if (runner == PollerRunner.ClawdTalkHost) env.Add(new KeyValuePair<string, string>(ModuleEnv, manifest));
            return new PollerCommand(runner, program, prefix, manifest, env, slug, PollerPaths.LogFile(slug));
        }

        static (PollerRunner, string, IReadOnlyList<string>) FromExecutable(string path)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new ClawdTalkException(ErrorIds.PollerHostNotFound, ErrorCategory.ObjectNotFound, $"The program '{full}' does not exist.", path);
            var name = Path.GetFileName(full).ToLowerInvariant();
            switch (name)
            {
                case "pwsh": case "pwsh.exe": return (PollerRunner.Pwsh, full, Array.Empty<string>());
                case "powershell.exe": return (PollerRunner.WindowsPowerShell, full, Array.Empty<string>());
                case "clawdtalk": case "clawdtalk.exe": return (PollerRunner.ClawdTalkHost, full, Array.Empty<string>());
                case "clawdtalk.dll": return (PollerRunner.ClawdTalkHost, Dotnet(), new[] { full });
                case "pwsh.dll": return (PollerRunner.Pwsh, Dotnet(), new[] { full });
                default:
                    throw new ClawdTalkException(ErrorIds.InvalidPollerHost, ErrorCategory.InvalidArgument,
                        $"'{full}' is not pwsh, powershell.exe or the clawdtalk host; a poller can only run one of those.", path);
            }
        }

        static (PollerRunner, string, IReadOnlyList<string>)? FromThisProcess()
        {
            string? main;
            try { main = Process.GetCurrentProcess().MainModule?.FileName; }
            catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException) { return null; }
            if (string.IsNullOrEmpty(main)) return null;
            var name = Path.GetFileName(main!).ToLowerInvariant();
            if (name == "pwsh" || name == "pwsh.exe") return (PollerRunner.Pwsh, main!, Array.Empty<string>());
            if (name == "powershell.exe") return (PollerRunner.WindowsPowerShell, main!, Array.Empty<string>());
            if (name == "clawdtalk" || name == "clawdtalk.exe") return (PollerRunner.ClawdTalkHost, main!, Array.Empty<string>());
            if (name == "dotnet" || name == "dotnet.exe")
            {
                var entry = Assembly.GetEntryAssembly();
                var entryName = entry?.GetName().Name?.ToLowerInvariant();
                if (entry != null && (entryName == "clawdtalk" || entryName == "pwsh") && File.Exists(entry.Location))
                    return (entryName == "pwsh" ? PollerRunner.Pwsh : PollerRunner.ClawdTalkHost, main!, new[] { entry.Location });
            }
            return null;
        }

        static (PollerRunner, string, IReadOnlyList<string>) FromPath()
        {
            var pwsh = FindOnPath(IsWindows ? "pwsh.exe" : "pwsh");
            if (pwsh != null) return (PollerRunner.Pwsh, pwsh, Array.Empty<string>());
            var host = FindOnPath(IsWindows ? "clawdtalk.exe" : "clawdtalk");
            if (host != null) return (PollerRunner.ClawdTalkHost, host, Array.Empty<string>());
            throw new ClawdTalkException(ErrorIds.PollerHostNotFound, ErrorCategory.NotInstalled,
                "Neither pwsh nor the clawdtalk host is on PATH, so a poller has nothing to run. Install PowerShell 7, or give -Executable with the path of pwsh or clawdtalk.");
        }

        static string Dotnet() =>
            FindOnPath(IsWindows ? "dotnet.exe" : "dotnet")
            ?? throw new ClawdTalkException(ErrorIds.PollerHostNotFound, ErrorCategory.NotInstalled, "dotnet is not on PATH, so clawdtalk.dll cannot be run; give the clawdtalk executable instead.");

        /// <summary>The absolute path of a program on PATH, or null.</summary>
        public static string? FindOnPath(string name)
        {
            foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                string candidate;
                try { candidate = Path.Combine(dir.Trim('"'), name); }
                catch (ArgumentException) { continue; }
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
            return null;
        }
    }
}
