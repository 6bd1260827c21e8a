using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using ClawdTalk.Tests.Harness;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>A child process running the `clawdtalk` host (a real, separate PowerShell process) with its own environment.</summary>
    public static class HostProcess
    {
        static string HostDll => Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll");
        static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p ? p : "dotnet";

        /// <summary>Starts `clawdtalk -NonInteractive -Command script` with CLAWDTALK_STATE pointing at <paramref name="stateFile"/>.</summary>
        public static Process Start(string script, string stateFile, IDictionary<string, string>? env = null)
        {
            var psi = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(HostDll);
            psi.ArgumentList.Add("-NonInteractive");
            psi.ArgumentList.Add("-Command");
            psi.ArgumentList.Add(script);
            psi.Environment["CLAWDTALK_STATE"] = stateFile;
            psi.Environment["CLAWDTALK_MODULE"] = ModuleLocation.Manifest;
            psi.Environment["CLAWDTALK_CONFIG"] = Path.Combine(Path.GetDirectoryName(stateFile)!, "skill-config.json");
            psi.Environment["NO_COLOR"] = "1";
            foreach (var kv in env ?? new Dictionary<string, string>()) psi.Environment[kv.Key] = kv.Value;
            return Process.Start(psi)!;
        }

        /// <summary>Runs a script to its end and returns exit code and output.</summary>
        public static (int code, string stdout, string stderr) Run(string script, string stateFile, TimeSpan? timeout = null)
        {
            using var p = Start(script, stateFile);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit((int)(timeout ?? TimeSpan.FromMinutes(2)).TotalMilliseconds))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("the host process did not finish: " + script);
            }
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
