using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ClawdTalk.Pollers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// What runs a bridge outside the session: a program (pwsh, or the clawdtalk host, found the way pollers find theirs),
    /// its arguments (`-NoProfile -NonInteractive -Command "… Start-ClawdTalkBridge -Wait …"`) and the non-secret path
    /// variables it needs. Used by -Detached and by the service units; it never holds a secret.
    /// </summary>
    internal sealed class BridgeLaunchSpec
    {
        /// <summary>The spec a detached bridge was started with (so it can start itself again on Restart-ClawdTalkBridge).</summary>
        public const string LaunchEnv = "CLAWDTALK_BRIDGE_LAUNCH";
        /// <summary>A gateway token given as -GatewayToken travels to a detached bridge in this variable, never in its arguments.</summary>
        public const string GatewayTokenEnv = "CLAWDTALK_BRIDGE_GATEWAY_TOKEN";

        public string Program = "";
        public List<string> Arguments = new List<string>();
        public Dictionary<string, string> Environment = new Dictionary<string, string>(StringComparer.Ordinal);
        public PollerRunner Runner;

        /// <summary>The spec for <paramref name="startArguments"/> (Start-ClawdTalkBridge's parameters as PowerShell text).</summary>
        public static BridgeLaunchSpec For(string? executable, string moduleBase, string startArguments)
        {
            var cmd = PollerCommand.For("bridge", executable, moduleBase);
            var script = (cmd.Runner != PollerRunner.ClawdTalkHost && cmd.ModuleManifest != null ? "Import-Module " + CommandLine.QuotePs(cmd.ModuleManifest) + "; " : "")
                         + "Start-ClawdTalkBridge -Wait " + startArguments;
            var spec = new BridgeLaunchSpec { Program = cmd.Program, Runner = cmd.Runner, Arguments = cmd.Arguments(script).ToList() };
            foreach (var kv in cmd.Environment) spec.Environment[kv.Key] = kv.Value;
            return spec;
        }

        public JObject ToJson() => new JObject
        {
            ["program"] = Program, ["arguments"] = new JArray(Arguments.ToArray()), ["runner"] = Runner.ToString(),
            ["environment"] = JObject.FromObject(Environment),
        };

        public static BridgeLaunchSpec? FromJson(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                if (!(Json.Parse(text!) is JObject o) || Json.Str(o, "program") is not string program) return null;
                var spec = new BridgeLaunchSpec { Program = program, Arguments = (o["arguments"] as JArray)?.Select(a => (string?)a ?? "").ToList() ?? new List<string>() };
                if (Enum.TryParse<PollerRunner>(Json.Str(o, "runner") ?? "", out var runner)) spec.Runner = runner;
                if (o["environment"] is JObject env)
                    foreach (var p in env.Properties().Where(p => p.Value.Type == JTokenType.String)) spec.Environment[p.Name] = (string)p.Value!;
                return spec;
            }
            catch (JsonException) { return null; }
        }

        /// <summary>Start-ClawdTalkBridge's bound parameters as PowerShell text, without the ones that only this process uses and without secrets.</summary>
        public static string ForwardedArguments(IDictionary bound, IEnumerable<string> skip)
        {
            var skipped = new HashSet<string>(skip, StringComparer.OrdinalIgnoreCase);
            var parts = new List<string>();
            foreach (DictionaryEntry kv in bound)
            {
                var name = (string)kv.Key;
                if (skipped.Contains(name)) continue;
                var literal = Literal(kv.Value);
                if (literal != null) parts.Add(literal.Length == 0 ? "-" + name : $"-{name} {literal}");
            }
            return string.Join(" ", parts);
        }

        static string? Literal(object? value)
        {
            switch (value)
            {
                case null: return null;
                case PSObject ps: return Literal(ps.BaseObject);
                case SwitchParameter s: return s.IsPresent ? "" : null;
                case bool b: return b ? "$true" : "$false";
                case string s: return CommandLine.QuotePs(s);
                case TimeSpan t: return "([timespan]" + CommandLine.QuotePs(t.ToString("c", CultureInfo.InvariantCulture)) + ")";
                case Enum e: return CommandLine.QuotePs(e.ToString());
                case int or long or double: return Convert.ToString(value, CultureInfo.InvariantCulture);
                case IEnumerable list: return "@(" + string.Join(",", list.Cast<object?>().Select(Literal).Where(x => x != null)) + ")";
                default: return null;
            }
        }

        /// <summary>
        /// Starts the program as a process of its own that outlives this one: a new session (setsid) on Unix, stdin from
        /// /dev/null, stdout and stderr appended to <paramref name="consoleLog"/>. <paramref name="secrets"/> go in its
        /// environment only (readable by the user alone), never in its arguments.
        /// </summary>
        public Process Launch(IDictionary<string, string?> secrets, string consoleLog)
        {
            ProcessStartInfo psi;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                psi = new ProcessStartInfo(Program, CommandLine.Join(Arguments)) { UseShellExecute = false, CreateNoWindow = true };
            else
            {
                var setsid = PollerCommand.FindOnPath("setsid");
                var args = new List<string> { "-c", "out=$1; shift; exec " + (setsid != null ? "\"" + setsid + "\" " : "") + "\"$@\" </dev/null >>\"$out\" 2>&1",
                    "clawdtalk-bridge", consoleLog, Program };
                args.AddRange(Arguments);
                psi = new ProcessStartInfo("/bin/sh", CommandLine.Join(args)) { UseShellExecute = false };
            }
            foreach (var kv in Environment) psi.Environment[kv.Key] = kv.Value;
            foreach (var kv in secrets)
                if (kv.Value == null) psi.Environment.Remove(kv.Key);
                else psi.Environment[kv.Key] = kv.Value;
            psi.Environment[LaunchEnv] = ToJson().ToString(Formatting.None);
            psi.WorkingDirectory = Path.GetDirectoryName(consoleLog)!;
            var p = Process.Start(psi) ?? throw new ClawdTalkException(ErrorIds.BridgeLaunchFailed, ErrorCategory.NotSpecified, $"{Program} could not be started.", Program);
            return p;
        }

        /// <summary>
        /// Waits until the started bridge holds its key's lock and has written its status (authenticated, or still
        /// connecting when the deadline passes); fails with what it printed when it exits first.
        /// </summary>
        public static BridgeStatus WaitStarted(Process process, string hash, TimeSpan timeout, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            var launched = DateTimeOffset.UtcNow - watch.Elapsed - TimeSpan.FromSeconds(1);
            JObject? last = null;
            while (watch.Elapsed < timeout && !ct.IsCancellationRequested)
            {
                var status = BridgeFiles.ReadStatus(hash);
                // a status of this start: written by the process itself (setsid execs it), or started after the launch
                if (status != null && Json.Int(status, "pid") != process.Id && !(Json.Date(status, "started") >= launched)) status = null;
                if (status != null && BridgeFiles.IsHeld(hash))
                {
                    last = status;
                    if (Json.Str(status, "state") == nameof(BridgeState.Authenticated)) break;
                }
                if (process.HasExited && !BridgeFiles.IsHeld(hash))
                    throw new ClawdTalkException(ErrorIds.BridgeDetachedFailed, ErrorCategory.InvalidResult,
                        $"The detached bridge exited (code {ExitCode(process)}) before it connected. Its last output:{System.Environment.NewLine}" +
                        string.Join(System.Environment.NewLine, BridgeFiles.Tail(BridgeFiles.Console(hash), 15)), process.Id);
                Thread.Sleep(100);
            }
            if (last == null)
                throw new ClawdTalkException(ErrorIds.BridgeDetachedFailed, ErrorCategory.OperationTimeout,
                    $"The detached bridge (process {process.Id}) did not report within {timeout.TotalSeconds:0} s; see {BridgeFiles.Console(hash)}.", process.Id);
            return BridgeFiles.FromFile(last, running: true);
        }

        static string ExitCode(Process p)
        {
            try { return p.ExitCode.ToString(CultureInfo.InvariantCulture); }
            catch (InvalidOperationException) { return "?"; }
        }
    }
}
