using System;
using System.IO;
using System.Runtime.CompilerServices;
using ClawdTalk.Host.Resident;

namespace ClawdTalk.Host
{
    /// <summary>`clawdtalk`: runs ClawdTalk scripts where pwsh is not installed.</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            // Nothing of the PowerShell engine is loaded until a command needs it: a resident server is tried first.
            var a = HostArguments.Parse(args);
            if (a.Error != null) return Fail(a.Error);
            if (a.Version) { Console.WriteLine(HostVersion); return 0; }
            if (a.Help) { Console.WriteLine(HostArguments.Usage); return 0; }
            if (a.Serve && a.Detach && !OperatingSystem.IsWindows()) _ = Native.setsid(); // started by a client: leave its terminal session
            if (a.Stop)
            {
                if (ResidentClient.Control(ResidentWire.KindStop, HostVersion)) return 0;
                Console.Error.WriteLine("clawdtalk: no resident server answers at " + ResidentWire.SocketPath());
                return 1;
            }
            var modulePath = HostArguments.FindModule();
            if (modulePath == null && (a.Serve || Environment.GetEnvironmentVariable("CLAWDTALK_MODULE") != "none"))
                return Fail("Cannot find the ClawdTalk module (set CLAWDTALK_MODULE to its .psd1).");
            if (modulePath != null && ResidentClient.TryRun(a, modulePath, HostVersion, ServerCommand, out var served)) return served;
            return Engine.Run(a, modulePath);
        }

        /// <summary>How this installation starts its resident server: this executable (or `dotnet clawdtalk.dll`) --serve.</summary>
        static string[] ServerCommand()
        {
            var exe = Environment.ProcessPath ?? "dotnet";
            var name = Path.GetFileNameWithoutExtension(exe);
            return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
                ? new[] { exe, typeof(Program).Assembly.Location, "--serve", "--detach" }
                : new[] { exe, "--serve", "--detach" };
        }

        /// <summary>The version the resident server and its clients must share.</summary>
        internal static string HostVersion => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        internal static int Fail(string message)
        {
            Console.Error.WriteLine("clawdtalk: " + message);
            return 64;
        }
    }

    /// <summary>Everything that needs the engine, kept out of Main so that the resident client path never loads it.</summary>
    internal static class Engine
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Run(HostArguments a, string? modulePath)
        {
            var startEnv = a.Serve ? ResidentServer.Snapshot() : null;
            EngineStartup.Prepare();
            if (a.Serve) return ResidentServer.Run(modulePath!, Program.HostVersion, startEnv!, a.Idle);

            var stdout = Console.Out;
            var host = new ScriptHost(stdout, Console.Error, a.Interactive && !a.NonInteractive ? Console.In : null, ResidentClient.ConsoleWidth());
            ScriptSession session;
            try { session = new ScriptSession(host, modulePath, ansi: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null); }
            catch (Exception ex) { return Program.Fail("Cannot import the ClawdTalk module: " + ex.Message); }
            using (session)
            {
                using var sandboxRun = a.Sandbox ? SandboxLauncher.Start(session, a.TimeScale, a.Dashboard) : null;
                if (a.Command != null) return session.Execute(a.Command);
                if (a.File != null) return session.Execute(a.File, isFile: true, a.FileArgs);
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
    }
}
