using System.Text;
using System.Xml;
using System.Xml.Linq;
using ClawdTalk.Pollers;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// What a service runs: the bridge's program and arguments (`Start-ClawdTalkBridge -Wait -RunMode Service
    /// -EnvironmentFile …`), the non-secret path variables, where it works and writes. Secrets are never part of it: they
    /// come from the configuration or the environment file (0600) the command names.
    /// </summary>
    internal sealed class BridgeServiceDefinition
    {
        public string Name = "ClawdTalkBridge";
        public string Program = "";
        public List<string> Arguments = new List<string>();
        public Dictionary<string, string> Environment = new Dictionary<string, string>(StringComparer.Ordinal);
        public string WorkingDirectory = "";
        public string ConsoleLog = "";
        /// <summary>The Windows account the task runs as (DOMAIN\user).</summary>
        public string UserId = "";

        public string SystemdUnitName => "clawdtalk-bridge-" + Slug + ".service";
        public string LaunchdLabel => "com.clawdtalk.bridge." + Slug;
        public string TaskName => @"\ClawdTalk\Bridge " + Name;

        string Slug => new string(Name.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '-').ToArray());

        public static BridgeServiceDefinition For(string name, BridgeLaunchSpec spec, string workingDirectory, string consoleLog, string userId) => new BridgeServiceDefinition
        {
            Name = name, Program = spec.Program, Arguments = spec.Arguments.ToList(), Environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal),
            WorkingDirectory = workingDirectory, ConsoleLog = consoleLog, UserId = userId,
        };

        public string CommandText => string.Join(" ", new[] { Program }.Concat(Arguments).Select(CommandLine.QuoteWindows));
    }

    /// <summary>
    /// Writes the unit files from a <see cref="BridgeServiceDefinition"/>, pure and testable: a systemd user unit that
    /// restarts on failure, a launchd agent kept alive after an unsuccessful exit, a Task Scheduler task started at logon
    /// and restarted on failure.
    /// </summary>
    internal static class BridgeServiceUnits
    {
        static readonly System.Text.RegularExpressions.Regex VariableName = new System.Text.RegularExpressions.Regex("^[A-Za-z_][A-Za-z0-9_]*$");

        /// <summary>Every value a unit is made of, refused when it holds a control character (Boundary/SinkText) or names no variable.</summary>
        static BridgeServiceDefinition Checked(BridgeServiceDefinition d, string unit)
        {
            Boundary.SinkText.Lines(new[] { d.Name, d.Program, d.WorkingDirectory, d.ConsoleLog, d.UserId }, unit);
            Boundary.SinkText.Lines(d.Arguments, unit);
            Boundary.SinkText.Lines(d.Environment.Values, unit);
            CheckNames(d.Environment.Keys, unit);
            return d;
        }

        static void CheckNames(IEnumerable<string> names, string unit)
        {
            foreach (var k in names)
                if (!VariableName.IsMatch(k))
                    throw Api.Errors.Invalid(Api.ErrorIds.UnsafeSinkValue, $"'{Boundary.OutsideText.Visible(k)}' is not an environment variable name for {unit}.", k);
        }

        public static string Systemd(BridgeServiceDefinition d)
        {
            Checked(d, "the systemd unit");
            var sb = new StringBuilder();
            sb.Append("# Written by Install-ClawdTalkBridgeService; Uninstall-ClawdTalkBridgeService removes it.\n");
            sb.Append("# Secrets are not in this file: they come from the ClawdTalk configuration or the environment file named below (0600).\n");
            sb.Append("[Unit]\n");
            sb.Append("Description=ClawdTalk voice and SMS bridge (").Append(d.Name).Append(")\n");
            sb.Append("Wants=network-online.target\nAfter=network-online.target\n");
            sb.Append("StartLimitIntervalSec=600\nStartLimitBurst=10\n\n");
            sb.Append("[Service]\nType=simple\n");
            sb.Append("ExecStart=").Append(string.Join(" ", new[] { d.Program }.Concat(d.Arguments).Select(SystemdQuote))).Append('\n');
            foreach (var kv in d.Environment.OrderBy(k => k.Key, StringComparer.Ordinal))
                sb.Append("Environment=").Append(SystemdQuote(kv.Key + "=" + kv.Value)).Append('\n');
            sb.Append("WorkingDirectory=").Append(d.WorkingDirectory.Replace("%", "%%")).Append('\n'); // a path, not a quoted word
            sb.Append("Restart=on-failure\nRestartSec=10\nUMask=0077\n\n");
            sb.Append("[Install]\nWantedBy=default.target\n");
            return sb.ToString();
        }

        /// <summary>One word of a systemd command line: double-quoted, with `\`, `"`, `%` (specifiers) and `$` (variables) escaped.</summary>
        public static string SystemdQuote(string s) =>
            "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("%", "%%").Replace("$", "$$").Replace("\n", "\\n") + "\"";

        public static string Launchd(BridgeServiceDefinition d)
        {
            Checked(d, "the launchd agent");
            XElement Key(string k) => new XElement("key", k);
            XElement Str(string v) => new XElement("string", v);
            var dict = new XElement("dict",
                Key("Label"), Str(d.LaunchdLabel),
                Key("ProgramArguments"), new XElement("array", new[] { d.Program }.Concat(d.Arguments).Select(Str)),
                Key("EnvironmentVariables"), new XElement("dict", d.Environment.OrderBy(k => k.Key, StringComparer.Ordinal).SelectMany(kv => new[] { Key(kv.Key), Str(kv.Value) })),
                Key("WorkingDirectory"), Str(d.WorkingDirectory),
                Key("RunAtLoad"), new XElement("true"),
                // restarted whenever it exits unsuccessfully (a crash, a restart request); a clean stop stays stopped
                Key("KeepAlive"), new XElement("dict", Key("SuccessfulExit"), new XElement("false")),
                Key("ThrottleInterval"), new XElement("integer", "10"),
                Key("ProcessType"), Str("Background"),
                Key("StandardOutPath"), Str(d.ConsoleLog),
                Key("StandardErrorPath"), Str(d.ConsoleLog));
            var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null),
                new XDocumentType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null),
                new XElement("plist", new XAttribute("version", "1.0"), dict));
            return Write(doc, new UTF8Encoding(false));
        }

        public static readonly XNamespace TaskNs = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        public static string TaskXml(BridgeServiceDefinition d)
        {
            Checked(d, "the scheduled task");
            XElement E(string name, params object[] content) => new XElement(TaskNs + name, content);
            var doc = new XDocument(new XDeclaration("1.0", "UTF-16", null),
                E("Task", new XAttribute("version", "1.2"),
                    E("RegistrationInfo", E("Description", $"ClawdTalk voice and SMS bridge ({d.Name}); written by Install-ClawdTalkBridgeService."), E("URI", d.TaskName)),
                    E("Triggers", E("LogonTrigger", E("Enabled", "true"), E("UserId", d.UserId))),
                    E("Principals", E("Principal", new XAttribute("id", "Author"), E("UserId", d.UserId), E("LogonType", "InteractiveToken"), E("RunLevel", "LeastPrivilege"))),
                    E("Settings",
                        E("MultipleInstancesPolicy", "IgnoreNew"),
                        E("DisallowStartIfOnBatteries", "false"),
                        E("StopIfGoingOnBatteries", "false"),
                        E("AllowHardTerminate", "true"),
                        E("StartWhenAvailable", "true"),
                        E("RunOnlyIfNetworkAvailable", "false"),
                        E("IdleSettings", E("StopOnIdleEnd", "false"), E("RestartOnIdle", "false")),
                        E("AllowStartOnDemand", "true"),
                        E("Enabled", "true"),
                        E("Hidden", "false"),
                        E("RunOnlyIfIdle", "false"),
                        E("WakeToRun", "false"),
                        E("ExecutionTimeLimit", "PT0S"),
                        E("Priority", "7"),
                        E("RestartOnFailure", E("Interval", "PT1M"), E("Count", "999"))),
                    E("Actions", new XAttribute("Context", "Author"),
                        E("Exec", E("Command", d.Program), E("Arguments", CommandLine.Join(d.Arguments)), E("WorkingDirectory", d.WorkingDirectory)))));
            return Write(doc, new UnicodeEncoding(false, true));
        }

        static string Write(XDocument doc, Encoding encoding)
        {
            var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = encoding, NewLineChars = "\n" };
            using var ms = new MemoryStream();
            using (var w = XmlWriter.Create(ms, settings)) doc.Save(w);
            return encoding.GetString(ms.ToArray()).TrimStart('\uFEFF') + "\n";
        }

        /// <summary>The environment file: KEY=VALUE lines (quoted when needed), written 0600 by the installer.</summary>
        public static string EnvironmentFile(IEnumerable<KeyValuePair<string, string>> values)
        {
            var sb = new StringBuilder("# ClawdTalk bridge service environment (Install-ClawdTalkBridgeService). Keep it private: chmod 600.\n");
            var list = values.ToList();
            CheckNames(list.Select(kv => kv.Key), "the environment file");
            Boundary.SinkText.Lines(list.Select(kv => kv.Value), "the environment file");
            foreach (var kv in list) sb.Append(kv.Key).Append('=').Append(kv.Value.IndexOfAny(new[] { ' ', '#', '"', '\'' }) >= 0 ? "\"" + kv.Value.Replace("\"", "") + "\"" : kv.Value).Append('\n');
            return sb.ToString();
        }
    }
}
