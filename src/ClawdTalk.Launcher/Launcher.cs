using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using ClawdTalk.Host.Resident;

namespace ClawdTalk.Host
{
    /// <summary>The native front end: the resident server when one answers, else the managed host in this process's place.</summary>
    public static class Launcher
    {
        public static int Main(string[] args)
        {
            var a = HostArguments.Parse(args);
            var version = typeof(Launcher).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            if (a.ResidentEligible)
            {
                var module = HostArguments.FindModule();
                if (module != null && ResidentClient.TryRun(a, module, version, () => new[] { HostPath(), "--serve", "--detach" }, out var code)) return code;
            }
            // Start cold: the managed host, told not to try the server again.
            var forward = new List<string>();
            if (a.ResidentEligible) forward.Add("--cold");
            forward.AddRange(args);
            return Exec(forward);
        }

        static int Exec(List<string> args)
        {
            var windows = OperatingSystem.IsWindows();
            var host = HostPath();
            if (!File.Exists(host))
            {
                Console.Error.WriteLine($"clawdtalk: the managed host {host} is missing beside the launcher.");
                return 70;
            }
            if (windows)
            {
                // No exec on Windows: run it on the same console and pass its exit code on.
                var psi = new ProcessStartInfo(host) { UseShellExecute = false };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                p.WaitForExit();
                return p.ExitCode;
            }
            Console.Out.Flush();
            var argv = new IntPtr[args.Count + 2];
            argv[0] = Marshal.StringToCoTaskMemUTF8(host);
            for (var i = 0; i < args.Count; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            argv[^1] = IntPtr.Zero;
            execv(host, argv);
            Console.Error.WriteLine($"clawdtalk: cannot start {host} (errno {Marshal.GetLastPInvokeError()}).");
            return 70;
        }

        static string HostPath() => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "clawdtalk-host.exe" : "clawdtalk-host");

        [DllImport("libc", SetLastError = true)]
        static extern int execv([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr[] argv);
    }
}
