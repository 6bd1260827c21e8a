using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ClawdTalk.Host.Resident;

namespace ClawdTalk.Host
{
    /// <summary>
    /// The command line of `clawdtalk`, parsed without touching the PowerShell engine: the native launcher and the
    /// managed host share this file, so both decide the same way whether a command may go to the resident server.
    /// </summary>
    internal sealed class HostArguments
    {
        public const string Usage = @"clawdtalk - run ClawdTalk PowerShell scripts without pwsh

  clawdtalk -Command ""<script text>""      run script text (like pwsh -Command)
  clawdtalk -File script.ps1 [args...]    run a script file with arguments
  clawdtalk                               interactive prompt
  clawdtalk --serve                       keep a warm session for agents (see below)
Options:
  --sandbox        start the local ClawdTalk sandbox in-process and connect the session to it
  --time-scale X   with --sandbox: how much faster than real time scheduled calls run (default 60)
  --dashboard      with --sandbox: open the sandbox's live dashboard in a browser (its URL is printed either way)
  --serve          run the resident server in the foreground. You rarely need it: -Command and -File start one
                   in the background when none answers and hand it the command (output, errors and exit codes
                   as with a cold start); later commands reach it in milliseconds. Socket: $CLAWDTALK_HOST_SOCKET,
                   else $XDG_RUNTIME_DIR/clawdtalk/host.sock, else ~/.config/clawdtalk/run/host.sock (log:
                   host.log beside it). CLAWDTALK_RESIDENT=off: never use it; =manual: use one, never start one.
  --idle DURATION  with --serve: exit after this long without a command (90s, 15m, 2h; 0 = never; default
                   $CLAWDTALK_RESIDENT_IDLE, else 15m). The server also exits when the module or host changes.
  --stop           ask the resident server to exit
  --cold           do not use (or start) the resident server for this command
  -NoProfile, -NonInteractive, -NoLogo    accepted for pwsh compatibility (no profile is ever loaded)
  --version, --help";

        public string? Command;
        public string? File;
        public readonly List<string> FileArgs = new List<string>();
        public bool Sandbox, Dashboard, NonInteractive, Version, Help, Serve, Stop, Cold, Detach;
        /// <summary>--idle, else $CLAWDTALK_RESIDENT_IDLE, else 15 minutes; zero: never.</summary>
        public TimeSpan Idle = ResidentSettings.ParseDuration(Environment.GetEnvironmentVariable("CLAWDTALK_RESIDENT_IDLE")) ?? ResidentSettings.DefaultIdle;
        public double TimeScale = 60;
        /// <summary>A usage error: printed as `clawdtalk: …` with exit code 64.</summary>
        public string? Error;

        public bool Interactive => Command == null && File == null;

        /// <summary>True when the resident server may run this command: script text or a file, nothing in-process.</summary>
        public bool ResidentEligible => Error == null && !Interactive && !Sandbox && !Cold && !Serve && !Stop && !Version && !Help;

        public static HostArguments Parse(string[] args)
        {
            var r = new HostArguments();
            for (var i = 0; i < args.Length; i++)
            {
                var a = args[i];
                switch (a.ToLowerInvariant())
                {
                    case "-command": case "-c": case "--command":
                        r.Command = string.Join(" ", args, i + 1, args.Length - i - 1); i = args.Length; break;
                    case "-file": case "-f": case "--file":
                        if (i + 1 >= args.Length) { r.Error = "-File needs a path."; return r; }
                        r.File = args[i + 1];
                        for (var j = i + 2; j < args.Length; j++) r.FileArgs.Add(args[j]);
                        i = args.Length; break;
                    case "--sandbox": case "-sandbox": r.Sandbox = true; break;
                    case "--dashboard": r.Dashboard = true; break;
                    case "--time-scale":
                        if (i + 1 >= args.Length || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out r.TimeScale) || r.TimeScale <= 0)
                        { r.Error = "--time-scale needs a positive number."; return r; }
                        i++; break;
                    case "-noprofile": case "-nologo": break;
                    case "-noninteractive": r.NonInteractive = true; break;
                    case "--serve": r.Serve = true; break;
                    case "--stop": r.Stop = true; break;
                    case "--cold": r.Cold = true; break;
                    case "--detach": r.Detach = true; break; // internal: a server started by a client leaves its session
                    case "--idle":
                        var idle = i + 1 < args.Length ? ResidentSettings.ParseDuration(args[i + 1]) : null;
                        if (idle == null) { r.Error = "--idle needs a duration (e.g. 90s, 15m, 0 for never)."; return r; }
                        r.Idle = idle.Value; i++; break;
                    case "--version": case "-version": r.Version = true; return r;
                    case "--help": case "-help": case "-h": case "-?": r.Help = true; return r;
                    default: r.Error = $"Unknown argument '{a}'.\n\n{Usage}"; return r;
                }
            }
            if (r.Dashboard && !r.Sandbox) { r.Error = "--dashboard needs --sandbox."; return r; }
            if (r.File != null && !System.IO.File.Exists(r.File)) r.Error = $"The script file '{r.File}' does not exist.";
            return r;
        }

        /// <summary>Finds the module: $CLAWDTALK_MODULE, the copy beside the executable, or the repository's out/ folder.</summary>
        public static string? FindModule()
        {
            var env = Environment.GetEnvironmentVariable("CLAWDTALK_MODULE");
            if (env == "none") return null; // the script imports the module itself
            if (!string.IsNullOrEmpty(env)) return env;
            var beside = Path.Combine(AppContext.BaseDirectory, "Modules", "ClawdTalk", "ClawdTalk.psd1");
            if (System.IO.File.Exists(beside)) return beside;
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                var outDir = Path.Combine(d.FullName, "out", "ClawdTalk");
                if (Directory.Exists(outDir))
                {
                    string? best = null;
                    foreach (var v in Directory.GetDirectories(outDir))
                    {
                        var p = Path.Combine(v, "ClawdTalk.psd1");
                        if (System.IO.File.Exists(p) && (best == null || string.CompareOrdinal(p, best) > 0)) best = p;
                    }
                    return best;
                }
            }
            return null;
        }
    }
}
