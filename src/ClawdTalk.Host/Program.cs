using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ClawdTalk.Host
{
    /// <summary>`clawdtalk`: runs ClawdTalk scripts where pwsh is not installed.</summary>
    public static class Program
    {
        const string Usage = @"clawdtalk - run ClawdTalk PowerShell scripts without pwsh

  clawdtalk -Command ""<script text>""      run script text (like pwsh -Command)
  clawdtalk -File script.ps1 [args...]    run a script file with arguments
  clawdtalk                               interactive prompt
Options:
  --sandbox        start the local ClawdTalk sandbox in-process and connect the session to it
  --time-scale X   with --sandbox: how much faster than real time scheduled calls run (default 60)
  -NoProfile, -NonInteractive, -NoLogo    accepted for pwsh compatibility (no profile is ever loaded)
  --version, --help";

        public static int Main(string[] args)
        {
            string? command = null, file = null;
            var fileArgs = new List<string>();
            var sandbox = false; var nonInteractive = false; var timeScale = 60.0;
            for (var i = 0; i < args.Length; i++)
            {
                var a = args[i];
                switch (a.ToLowerInvariant())
                {
                    case "-command": case "-c": case "--command":
                        command = string.Join(" ", args.Skip(i + 1)); i = args.Length; break;
                    case "-file": case "-f": case "--file":
                        if (i + 1 >= args.Length) return Fail("-File needs a path.");
                        file = args[i + 1]; fileArgs.AddRange(args.Skip(i + 2)); i = args.Length; break;
                    case "--sandbox": case "-sandbox": sandbox = true; break;
                    case "--time-scale":
                        if (i + 1 >= args.Length || !double.TryParse(args[i + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out timeScale) || timeScale <= 0)
                            return Fail("--time-scale needs a positive number.");
                        i++; break;
                    case "-noprofile": case "-nologo": break;
                    case "-noninteractive": nonInteractive = true; break;
                    case "--version": case "-version": Console.WriteLine(typeof(Program).Assembly.GetName().Version?.ToString(3)); return 0;
                    case "--help": case "-help": case "-h": case "-?": Console.WriteLine(Usage); return 0;
                    default: return Fail($"Unknown argument '{a}'.\n\n{Usage}");
                }
            }
            if (file != null && !File.Exists(file)) return Fail($"The script file '{file}' does not exist.");

            var modulePath = ScriptSession.FindModule();
            if (modulePath == null && Environment.GetEnvironmentVariable("CLAWDTALK_MODULE") != "none")
                return Fail("Cannot find the ClawdTalk module (set CLAWDTALK_MODULE to its .psd1).");
            var interactive = command == null && file == null;
            var stdout = Console.Out;
            var host = new ScriptHost(stdout, Console.Error, interactive && !nonInteractive ? Console.In : null, ConsoleWidth());
            ScriptSession session;
            try { session = new ScriptSession(host, modulePath, ansi: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null); }
            catch (Exception ex) { return Fail("Cannot import the ClawdTalk module: " + ex.Message); }
            using (session)
            {
                using var sandboxRun = sandbox ? SandboxLauncher.Start(session, timeScale) : null;
                if (command != null) return session.Execute(command);
                if (file != null) return session.Execute(file, isFile: true, fileArgs);
                return Repl(session);
            }
        }

        static int Repl(ScriptSession session)
        {
            Console.WriteLine("ClawdTalk host. Type PowerShell commands; 'exit' leaves.");
            var last = 0;
            while (true)
            {
                Console.Write("PS ClawdTalk> ");
                var line = Console.ReadLine();
                if (line == null) return last;
                if (line.Trim().Equals("exit", StringComparison.OrdinalIgnoreCase)) return last;
                if (line.Trim().Length == 0) continue;
                last = session.Execute(line);
                if (session.Host.ExitCode.HasValue) return session.Host.ExitCode.Value;
            }
        }

        static int ConsoleWidth()
        {
            try { return Console.IsOutputRedirected ? 120 : Math.Max(80, Console.WindowWidth); }
            catch (IOException) { return 120; }
        }

        static int Fail(string message)
        {
            Console.Error.WriteLine("clawdtalk: " + message);
            return 64;
        }
    }
}
