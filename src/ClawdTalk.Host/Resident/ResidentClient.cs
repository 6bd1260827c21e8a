using System;
using System.Collections;
using System.IO;
using System.Text;

namespace ClawdTalk.Host.Resident
{
    /// <summary>
    /// The client half of resident mode: hands a -Command/-File run, with this process's environment, working
    /// directory and console facts, to a running `clawdtalk --serve`, and replays what it prints. Shared by the managed
    /// host (before it loads the engine) and the native launcher. Returns false, having printed nothing, whenever the
    /// command should start cold instead: no server, another user's server, another version or module, or a server busy
    /// with another environment.
    /// </summary>
    internal static class ResidentClient
    {
        public static bool Disabled => ResidentSettings.Has("off") || ResidentSettings.Has("0") || ResidentSettings.Has("false");

        static bool Trace => ResidentSettings.Has("trace");

        enum Outcome { Served, NoServer, Refused, Stale }

        /// <summary>
        /// Runs the command through the resident server, starting one first when none answers (unless
        /// CLAWDTALK_RESIDENT=manual). <paramref name="serverCommand"/> gives the program and arguments that start
        /// `clawdtalk --serve` for this installation. False, having printed nothing, when the command must start cold.
        /// </summary>
        public static bool TryRun(HostArguments args, string? modulePath, string hostVersion, Func<string[]>? serverCommand, out int exitCode)
        {
            exitCode = 0;
            if (!args.ResidentEligible || modulePath == null || Disabled) return false;
            var path = ResidentWire.SocketPath();
            var outcome = TryServe(args, modulePath, hostVersion, path, out exitCode);
            if (outcome == Outcome.Served) return true;
            if (outcome == Outcome.Refused || serverCommand == null || ResidentSettings.Has("manual")) return false;
            if (outcome == Outcome.Stale && !ResidentStarter.WaitGone(path)) { Say("the old resident server did not exit"); return false; }
            if (!ResidentStarter.EnsureRunning(path, hostVersion, serverCommand, Trace)) { Say("could not start a resident server"); return false; }
            return TryServe(args, modulePath, hostVersion, path, out exitCode) == Outcome.Served;
        }

        static Outcome TryServe(HostArguments args, string modulePath, string hostVersion, string path, out int exitCode)
        {
            exitCode = 0;
            Stream? stream;
            try { stream = ResidentWire.Connect(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Net.Sockets.SocketException)
            {
                stream = null;
            }
            if (stream == null) { if (Trace) Console.Error.WriteLine("clawdtalk: resident: no resident server at " + path); return Outcome.NoServer; }
            using (stream)
            {
                var request = BuildRequest(args, modulePath, hostVersion);
                try { ResidentWire.WriteFrame(stream, ResidentWire.Request, request.Encode()); }
                catch (IOException) { Say("the resident server closed the connection"); return Outcome.NoServer; }

                var accepted = false;
                while (true)
                {
                    (byte type, byte[] payload)? frame;
                    try { frame = ResidentWire.ReadFrame(stream); }
                    catch (Exception ex) when (ex is IOException || ex is InvalidDataException) { frame = null; }
                    if (frame == null)
                    {
                        if (!accepted) { Say("the resident server closed the connection"); return Outcome.NoServer; }
                        // The command may have done part of its work: running it again could repeat a call or a text.
                        Console.Error.WriteLine("clawdtalk: the resident server stopped before the command finished.");
                        exitCode = 1;
                        return Outcome.Served;
                    }
                    var (type, payload) = frame.Value;
                    switch (type)
                    {
                        case ResidentWire.Fallback when !accepted:
                            var why = Encoding.UTF8.GetString(payload);
                            if (why.StartsWith(ResidentWire.StalePrefix, StringComparison.Ordinal))
                            {
                                if (Trace) Console.Error.WriteLine("clawdtalk: resident: " + why + "; the server exits");
                                return Outcome.Stale;
                            }
                            Say(why);
                            return Outcome.Refused;
                        case ResidentWire.Accepted:
                            accepted = true;
                            if (Trace) Console.Error.WriteLine($"clawdtalk: resident: served by {path} (engine loaded: {EngineLoaded()})");
                            break;
                        case ResidentWire.Stdout: Console.Out.Write(Encoding.UTF8.GetString(payload)); break;
                        case ResidentWire.Stderr: Console.Error.Write(Encoding.UTF8.GetString(payload)); break;
                        case ResidentWire.Exit:
                            exitCode = BitConverter.ToInt32(payload, 0);
                            Console.Out.Flush();
                            return Outcome.Served;
                    }
                }
            }
        }

        /// <summary>Sends a ping or stop request; true when a server answered.</summary>
        public static bool Control(byte kind, string hostVersion)
        {
            using var stream = ResidentWire.Connect(ResidentWire.SocketPath());
            if (stream == null) return false;
            try
            {
                ResidentWire.WriteFrame(stream, ResidentWire.Request, new ResidentRequest { Kind = kind, HostVersion = hostVersion }.Encode());
                return ResidentWire.ReadFrame(stream) != null;
            }
            catch (IOException) { return false; }
        }

        static ResidentRequest BuildRequest(HostArguments args, string modulePath, string hostVersion)
        {
            var q = new ResidentRequest
            {
                HostVersion = hostVersion,
                ModulePath = Path.GetFullPath(modulePath),
                Command = args.Command,
                File = args.File == null ? null : Path.GetFullPath(args.File),
                WorkingDirectory = Environment.CurrentDirectory,
                Width = ConsoleWidth(),
                Ansi = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") == null,
            };
            q.FileArgs.AddRange(args.FileArgs);
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
                q.Environment[(string)e.Key] = (string?)e.Value ?? "";
            return q;
        }

        /// <summary>The width the cold host would use (see Program.ConsoleWidth).</summary>
        public static int ConsoleWidth()
        {
            try { return Console.IsOutputRedirected ? 120 : Math.Max(80, Console.WindowWidth); }
            catch (IOException) { return 120; }
        }

        static void Say(string why)
        {
            if (Trace) Console.Error.WriteLine($"clawdtalk: resident: {why}; starting cold (engine loaded: {EngineLoaded()})");
        }

        static bool EngineLoaded()
        {
            foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
                if (a.GetName().Name == "System.Management.Automation") return true;
            return false;
        }
    }
}
