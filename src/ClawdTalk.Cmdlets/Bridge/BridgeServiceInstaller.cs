using System.Runtime.InteropServices;
using System.Text;
using ClawdTalk.Config;
using ClawdTalk.IO;
using ClawdTalk.Pollers;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Registers a bridge with the platform's service manager and removes it: writes the unit (systemd user unit,
    /// launchd agent, Task Scheduler XML) and the environment file, then asks the manager to load and start it
    /// (`systemctl --user enable --now`, `launchctl load -w`, `schtasks /Create` and `/Run`) when it is there. A manager
    /// that cannot be reached (a container without a user session) leaves the files written and says how to start them.
    /// </summary>
    internal sealed class BridgeServiceInstaller
    {
        readonly IProcessRunner _run;

        public BridgeServiceInstaller(IProcessRunner? runner = null)
        {
            _run = runner ?? SystemProcessRunner.Instance;
        }

        public static BridgeServicePlatform ForThisMachine() =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? BridgeServicePlatform.TaskScheduler
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? BridgeServicePlatform.Launchd
            : BridgeServicePlatform.Systemd;

        static string Home => Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        public static string DefaultUnitDirectory(BridgeServicePlatform p)
        {
            switch (p)
            {
                case BridgeServicePlatform.Systemd:
                    var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                    return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Home, ".config") : xdg!, "systemd", "user");
                case BridgeServicePlatform.Launchd:
                    return Path.Combine(Home, "Library", "LaunchAgents");
                default:
                    return BridgeFiles.Directory;
            }
        }

        public static string UnitFileName(BridgeServiceDefinition d, BridgeServicePlatform p) => p switch
        {
            BridgeServicePlatform.Systemd => d.SystemdUnitName,
            BridgeServicePlatform.Launchd => d.LaunchdLabel + ".plist",
            _ => "bridge-" + d.SystemdUnitName.Replace(".service", ".task.xml"),
        };

        public static string UnitName(BridgeServiceDefinition d, BridgeServicePlatform p) => p switch
        {
            BridgeServicePlatform.Systemd => d.SystemdUnitName,
            BridgeServicePlatform.Launchd => d.LaunchdLabel,
            _ => d.TaskName,
        };

        public static string EnvironmentFilePath(string name) => Boundary.SinkText.FileIn(BridgeFiles.Directory, "service-" + name + ".env", "the service's environment file");

        public BridgeServiceInfo Install(BridgeServiceDefinition d, BridgeServicePlatform p, string unitDirectory, string envFile,
            IEnumerable<KeyValuePair<string, string>> envValues, bool start)
        {
            AtomicFile.WriteAllText(envFile, BridgeServiceUnits.EnvironmentFile(envValues)); // 0600
            var unitPath = Path.Combine(unitDirectory, UnitFileName(d, p));
            AtomicFile.EnsureDirectory(unitDirectory);
            switch (p)
            {
                case BridgeServicePlatform.Systemd: AtomicFile.WriteAllText(unitPath, BridgeServiceUnits.Systemd(d)); break;
                case BridgeServicePlatform.Launchd: AtomicFile.WriteAllText(unitPath, BridgeServiceUnits.Launchd(d)); break;
                default: AtomicFile.WriteAllText(unitPath, BridgeServiceUnits.TaskXml(d), new UnicodeEncoding(false, true)); break;
            }
            var info = new BridgeServiceInfo
            {
                Name = d.Name, Platform = p, UnitPath = unitPath, UnitName = UnitName(d, p), EnvironmentFile = envFile, Command = d.CommandText,
            };
            if (!start)
            {
                info.Message = "Written, not registered (-NoStart). " + HowToStart(info);
                return info;
            }
            var steps = p switch
            {
                BridgeServicePlatform.Systemd => new[] { ("systemctl", new[] { "--user", "daemon-reload" }), ("systemctl", new[] { "--user", "enable", "--now", info.UnitName }) },
                BridgeServicePlatform.Launchd => new[] { ("launchctl", new[] { "load", "-w", unitPath }) },
                _ => new[] { ("schtasks.exe", new[] { "/Create", "/TN", info.UnitName, "/XML", unitPath, "/F" }), ("schtasks.exe", new[] { "/Run", "/TN", info.UnitName }) },
            };
            info.Registered = RunAll(steps, out var why);
            info.Message = info.Registered ? "Registered and started." : $"Written, but the service manager did not take it ({why}). " + HowToStart(info);
            return info;
        }

        public BridgeServiceInfo Uninstall(BridgeServiceDefinition d, BridgeServicePlatform p, string unitDirectory, bool stop)
        {
            var unitPath = Path.Combine(unitDirectory, UnitFileName(d, p));
            var info = new BridgeServiceInfo { Name = d.Name, Platform = p, UnitPath = unitPath, UnitName = UnitName(d, p), EnvironmentFile = EnvironmentFilePath(d.Name) };
            string why = "";
            if (stop)
            {
                var steps = p switch
                {
                    BridgeServicePlatform.Systemd => new[] { ("systemctl", new[] { "--user", "disable", "--now", info.UnitName }) },
                    BridgeServicePlatform.Launchd => new[] { ("launchctl", new[] { "unload", "-w", unitPath }) },
                    _ => new[] { ("schtasks.exe", new[] { "/End", "/TN", info.UnitName }), ("schtasks.exe", new[] { "/Delete", "/TN", info.UnitName, "/F" }) },
                };
                info.Registered = !RunAll(steps, out why);
            }
            foreach (var f in new[] { unitPath, info.EnvironmentFile! })
                try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (stop && p == BridgeServicePlatform.Systemd) RunAll(new[] { ("systemctl", new[] { "--user", "daemon-reload" }) }, out _);
            info.Message = stop && info.Registered ? $"Files removed; the service manager said: {why}" : "Removed.";
            return info;
        }

        bool RunAll((string Program, string[] Args)[] steps, out string why)
        {
            foreach (var (program, args) in steps)
            {
                var path = PollerCommand.FindOnPath(program) ?? PollerCommand.FindOnPath(Path.GetFileNameWithoutExtension(program));
                if (path == null)
                {
                    why = $"{program} is not installed";
                    return false;
                }
                ProcessResult r;
                try { r = _run.Run(path, args); }
                catch (ClawdTalkException ex)
                {
                    why = ex.Message;
                    return false;
                }
                if (r.ExitCode != 0)
                {
                    why = $"{Path.GetFileName(path)} {string.Join(" ", args)}: exit {r.ExitCode}: {(r.StdErr + r.StdOut).Trim()}";
                    return false;
                }
            }
            why = "";
            return true;
        }

        static string HowToStart(BridgeServiceInfo i) => i.Platform switch
        {
            BridgeServicePlatform.Systemd => $"Start it with: systemctl --user daemon-reload && systemctl --user enable --now {i.UnitName}",
            BridgeServicePlatform.Launchd => $"Start it with: launchctl load -w '{i.UnitPath}'",
            _ => $"Register it with: schtasks /Create /TN \"{i.UnitName}\" /XML \"{i.UnitPath}\" /F",
        };

        /// <summary>The account a Windows task runs as.</summary>
        public static string CurrentUserId() =>
            string.IsNullOrEmpty(Environment.UserDomainName) ? Environment.UserName : Environment.UserDomainName + "\\" + Environment.UserName;

        /// <summary>Where the service runs and its host writes what it prints.</summary>
        public static string WorkingDirectory => BridgeFiles.Directory;

    }
}
