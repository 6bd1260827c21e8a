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
    /// command should start cold instead: no server, another user's server, another version or module, a server busy
    /// with another environment, and a server that cannot be heard (stopped, wedged: silent for the answer limit) or
    /// answers what the protocol does not allow (a typed <see cref="MalformedFrameException"/>). Nothing runs on the
    /// server before this client says Go, so a command never runs both there and cold. Once it runs, a server that goes
    /// silent for a minute or breaks the protocol ends the client with exit 1 and a message: the command may have done
    /// part of its work, so it is not run again.
    /// </summary>
    internal static class ResidentClient
    {
        public static bool Disabled => ResidentSettings.Has("off") || ResidentSettings.Has("0") || ResidentSettings.Has("false");

        static bool Trace => ResidentSettings.Has("trace");

        enum Outcome { Served, NoServer, Refused, Stale, Unheard }

        /// <summary>
        /// Runs the command through the resident server, starting one first when none answers (unless
        /// CLAWDTALK_RESIDENT=manual). A server that cannot be heard is replaced the same way: the new one takes the
        /// socket, and the old one exits when it wakes to find its socket gone. <paramref name="serverCommand"/> gives the
        /// program and arguments that start `clawdtalk --serve` for this installation. False, having printed nothing, when
        /// the command must start cold.
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
                catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { Say("the resident server did not take the request"); return Outcome.Unheard; }

                // 1. until accepted: nothing has run; anything wrong means "start cold"
                while (true)
                {
                    (byte type, byte[] payload)? frame;
                    try { frame = ResidentWire.ReadFrame(stream, ResidentWire.AnswerLimit); }
                    catch (PeerSilentException ex) { Say($"the resident server did not answer ({ex.Message})"); return Outcome.Unheard; }
                    catch (MalformedFrameException ex) { Say(ex.Message); return Outcome.Unheard; }
                    catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { frame = null; }
                    if (frame == null) { Say("the resident server closed the connection"); return Outcome.NoServer; }
                    var (type, payload) = frame.Value;
                    if (type == ResidentWire.Heartbeat) continue;
                    if (type == ResidentWire.Fallback)
                    {
                        var why = Encoding.UTF8.GetString(payload);
                        if (why.StartsWith(ResidentWire.StalePrefix, StringComparison.Ordinal))
                        {
                            if (Trace) Console.Error.WriteLine("clawdtalk: resident: " + why + "; the server exits");
                            return Outcome.Stale;
                        }
                        Say(why);
                        return Outcome.Refused;
                    }
                    if (type != ResidentWire.Accepted) { Say(new MalformedFrameException($"a frame of type {ResidentWire.Describe(type)} before the command was accepted").Message); return Outcome.Unheard; }
                    try { ResidentWire.WriteFrame(stream, ResidentWire.Go, ReadOnlySpan<byte>.Empty); }
                    catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { Say("the resident server went away before the command ran"); return Outcome.NoServer; }
                    break;
                }
                if (Trace) Console.Error.WriteLine($"clawdtalk: resident: served by {path} (engine loaded: {EngineLoaded()})");

                // 2. the command runs: its output as it comes, the server's heartbeat in between
                while (true)
                {
                    (byte type, byte[] payload)? frame;
                    string? broken = null;
                    try { frame = ResidentWire.ReadFrame(stream, ResidentWire.RunSilenceLimit); }
                    catch (PeerSilentException ex) { frame = null; broken = $"stopped answering ({ex.Message})"; }
                    catch (MalformedFrameException ex) { frame = null; broken = "sent a " + ex.Message.Replace("malformed answer from the resident server: ", "malformed answer: "); }
                    catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException) { frame = null; }
                    if (frame == null)
                    {
                        // The command may have done part of its work: running it again could repeat a call or a text.
                        Console.Out.Flush();
                        Console.Error.WriteLine(broken == null
                            ? "clawdtalk: the resident server stopped before the command finished."
                            : $"clawdtalk: the resident server {broken} before the command finished; it may have done part of its work, so it was not run again.");
                        exitCode = 1;
                        return Outcome.Served;
                    }
                    var (type, payload) = frame.Value;
                    switch (type)
                    {
                        case ResidentWire.Heartbeat: break;
                        case ResidentWire.Stdout: Console.Out.Write(Encoding.UTF8.GetString(payload)); break;
                        case ResidentWire.Stderr: Console.Error.Write(Encoding.UTF8.GetString(payload)); break;
                        case ResidentWire.Exit:
                            int code;
                            try { code = ResidentWire.ExitCodeOf(payload); }
                            catch (MalformedFrameException ex)
                            {
                                Console.Out.Flush();
                                Console.Error.WriteLine($"clawdtalk: the resident server sent a {ex.Message.Replace("malformed answer from the resident server: ", "malformed answer: ")} at the end of the command.");
                                exitCode = 1;
                                return Outcome.Served;
                            }
                            exitCode = code;
                            Console.Out.Flush();
                            return Outcome.Served;
                        default:
                            Console.Out.Flush();
                            Console.Error.WriteLine($"clawdtalk: the resident server sent a malformed answer (a frame of type {ResidentWire.Describe(type)}) while the command ran; it may have done part of its work, so it was not run again.");
                            exitCode = 1;
                            return Outcome.Served;
                    }
                }
            }
        }

        /// <summary>Sends a ping or stop request; true when a server answered within the answer limit (a malformed answer is none).</summary>
        public static bool Control(byte kind, string hostVersion)
        {
            using var stream = ResidentWire.Connect(ResidentWire.SocketPath());
            if (stream == null) return false;
            try
            {
                ResidentWire.WriteFrame(stream, ResidentWire.Request, new ResidentRequest { Kind = kind, HostVersion = hostVersion }.Encode());
                return ResidentWire.ReadFrame(stream, ResidentWire.AnswerLimit) is { } frame && frame.type == ResidentWire.Accepted;
            }
            catch (Exception ex) when (ex is IOException || ex is TimeoutException || ex is ObjectDisposedException) { return false; }
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
            if (Trace) Console.Error.WriteLine($"clawdtalk: resident: {why}; not served by it (engine loaded: {EngineLoaded()})");
        }

        static bool EngineLoaded()
        {
            foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
                if (a.GetName().Name == "System.Management.Automation") return true;
            return false;
        }
    }
}
