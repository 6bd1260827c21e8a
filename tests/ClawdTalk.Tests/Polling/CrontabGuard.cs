using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ClawdTalk.Pollers;
using Xunit;

namespace ClawdTalk.Tests.Polling
{
    /// <summary>
    /// A test that needs the real `crontab` (Debian's cron package; `.ci/run` installs it). Without crontab it fails,
    /// saying so (never skips: a skipped poller test is an untested poller); on Windows, whose scheduler is
    /// ScheduledTask, it does not apply.
    /// </summary>
    public sealed class CronFactAttribute : FactAttribute
    {
        public CronFactAttribute()
        {
            if (OperatingSystem.IsWindows()) Skip = "cron is the Linux and macOS scheduler; Windows uses ScheduledTask.";
        }
    }

    /// <summary>The real crontab of the user running the tests.</summary>
    public static class Crontab
    {
        public static string? Path => PollerCommand.FindOnPath("crontab");
        public static bool Installed => Path != null;

        static (int code, string stdout, string stderr) Run(string args, string? stdin = null)
        {
            Assert.True(Installed, "crontab is not installed: the poller tests need Debian's cron package (.ci/run installs it)");
            var psi = new ProcessStartInfo(Path!, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(30_000), "crontab hung");
            return (p.ExitCode, o.Result, e.Result);
        }

        /// <summary>The crontab text, or null when the user has none.</summary>
        public static string? Read()
        {
            var (code, stdout, stderr) = Run("-l");
            if (code == 0) return stdout;
            Assert.Contains("no crontab", stderr, StringComparison.OrdinalIgnoreCase);
            return null;
        }

        public static void Write(string? text)
        {
            if (text == null) { Run("-r"); return; }
            var (code, _, stderr) = Run("-", text);
            Assert.True(code == 0, "crontab - failed: " + stderr);
        }

        public static string[] LinesOf(string slug) =>
            (Read() ?? "").Split('\n').Where(l => PollerSchedulerBase.ParseTag(l) is var t && t.HasValue && t.Value.slug == slug).ToArray();
    }

    /// <summary>
    /// Saves the crontab found before a test class and puts it back afterwards, failing the run if a poller line of the
    /// tests was left behind.
    /// </summary>
    public sealed class CrontabGuard : IDisposable
    {
        readonly string? _saved;
        readonly bool _active;
        public const string SlugPrefix = "ctpoll-";

        public CrontabGuard()
        {
            _active = !OperatingSystem.IsWindows() && (Crontab.Installed || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));
            if (_active) _saved = Crontab.Read();
        }

        public void Dispose()
        {
            if (!_active) return;
            var now = Crontab.Read() ?? "";
            var leftovers = now.Split('\n').Where(l => l.Contains("clawdtalk-poller:" + SlugPrefix, StringComparison.Ordinal)).ToList();
            Crontab.Write(_saved);
            Assert.True(leftovers.Count == 0, "poller lines were left in the crontab:\n" + string.Join("\n", leftovers));
        }
    }
}
