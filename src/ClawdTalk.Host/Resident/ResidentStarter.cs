using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace ClawdTalk.Host.Resident
{
    /// <summary>
    /// Starts the resident server on demand, the way build daemons do: a client that finds no server takes the start
    /// lock (`host.sock.lock` beside the socket, an exclusive lock the OS drops when its holder dies), looks again,
    /// starts `clawdtalk --serve --detach` in the background (its own session, stdin from /dev/null, output appended to
    /// `host.log` beside the socket) and waits until it answers. Clients that find the lock taken wait for the same
    /// server instead of starting another, so racing commands start exactly one. Shared by the managed host and the
    /// native launcher (nothing here may touch the engine or reflection).
    ///
    /// Why the first command waits for the server instead of running cold in its own process: both cost one engine
    /// start and one module import, but doing both at once makes two of them compete for the same cores (agents run
    /// on small machines), so the first command would be slower and the server ready later; waiting costs the first
    /// command only the socket hop (milliseconds), and every command after it finds a warm server.
    /// </summary>
    internal static class ResidentStarter
    {
        /// <summary>How long a client waits for a server it (or a racing client) started; then it starts cold.</summary>
        static TimeSpan StartTimeout => ResidentSettings.ParseDuration(Environment.GetEnvironmentVariable("CLAWDTALK_RESIDENT_START_TIMEOUT")) ?? TimeSpan.FromSeconds(60);

        public static bool EnsureRunning(string socketPath, string hostVersion, Func<string[]> serverCommand, bool trace)
        {
            string lockPath, logPath;
            if (OperatingSystem.IsWindows())
            {
                var dir = Path.Combine(Path.GetTempPath(), socketPath);
                Directory.CreateDirectory(dir);
                lockPath = Path.Combine(dir, "host.lock");
                logPath = Path.Combine(dir, "host.log");
            }
            else
            {
                var dir = Path.GetDirectoryName(socketPath)!;
                try
                {
                    if (!Directory.Exists(dir))
                        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return false; }
                if (ResidentWire.CheckPrivateDirectory(dir) != null) return false; // the server would refuse it too
                lockPath = socketPath + ".lock";
                logPath = Path.Combine(dir, "host.log");
            }

            var deadline = DateTime.UtcNow + StartTimeout;
            FileStream? held = null;
            Process? started = null;
            try
            {
                while (DateTime.UtcNow < deadline)
                {
                    if (Answers(hostVersion)) return true;
                    if (held == null) held = TryLock(lockPath);
                    if (held != null && started == null)
                    {
                        if (Answers(hostVersion)) return true; // started by the client that held the lock before us
                        started = Spawn(serverCommand(), logPath);
                        if (started == null) return false;
                        if (trace) Console.Error.WriteLine($"clawdtalk: resident: started a resident server (pid {started.Id}), log {logPath}");
                    }
                    if (started != null && started.HasExited) return Answers(hostVersion); // it failed, or another server won
                    Thread.Sleep(started != null ? 10 : 20);
                }
                return false;
            }
            finally
            {
                held?.Dispose();
                started?.Dispose();
            }
        }

        /// <summary>Waits (briefly) until an out-of-date server has gone, so a new one can take the socket.</summary>
        public static bool WaitGone(string socketPath)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (ResidentWire.IsWindows ? !ResidentClient.Control(ResidentWire.KindPing, "") : !File.Exists(socketPath)) return true;
                Thread.Sleep(10);
            }
            return false;
        }

        static bool Answers(string hostVersion)
        {
            try { return ResidentClient.Control(ResidentWire.KindPing, hostVersion); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Net.Sockets.SocketException) { return false; }
        }

        static FileStream? TryLock(string path)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                return new FileStream(path, options);
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>Starts the server detached from this process: it outlives the client and never holds the client's output open.</summary>
        static Process? Spawn(string[] command, string logPath)
        {
            try
            {
                PrepareLog(logPath);
                ProcessStartInfo psi;
                if (ResidentWire.IsWindows)
                {
                    psi = new ProcessStartInfo(command[0]) { UseShellExecute = false, CreateNoWindow = true, RedirectStandardInput = true, RedirectStandardOutput = false, RedirectStandardError = false };
                    for (var i = 1; i < command.Length; i++) psi.ArgumentList.Add(command[i]);
                }
                else
                {
                    // The shell replaces itself with the server after pointing its standard streams away from ours; the
                    // server then leaves our session (setsid, --detach), so a Ctrl+C or hang-up of this terminal is not its.
                    psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
                    psi.ArgumentList.Add("-c");
                    psi.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
                    psi.ArgumentList.Add("clawdtalk-serve");
                    psi.ArgumentList.Add(logPath);
                    foreach (var c in command) psi.ArgumentList.Add(c);
                }
                return Process.Start(psi);
            }
            catch (Exception ex) when (ex is IOException || ex is System.ComponentModel.Win32Exception || ex is UnauthorizedAccessException || ex is InvalidOperationException)
            {
                return null;
            }
        }

        static void PrepareLog(string logPath)
        {
            if (File.Exists(logPath) && new FileInfo(logPath).Length > 1024 * 1024) File.Delete(logPath);
            if (File.Exists(logPath)) return;
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var _ = new FileStream(logPath, options);
        }
    }
}
