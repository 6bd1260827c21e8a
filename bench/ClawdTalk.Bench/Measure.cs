using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace ClawdTalk.Bench
{
    /// <summary>Medians, percentiles and peak memory; the numbers behind each row of the table.</summary>
    internal static class Measure
    {
        public static double Median(IEnumerable<double> xs) => Percentile(xs, 50);

        public static double Percentile(IEnumerable<double> xs, double p)
        {
            var s = xs.OrderBy(x => x).ToArray();
            if (s.Length == 0) return double.NaN;
            var rank = p / 100 * (s.Length - 1);
            var lo = (int)Math.Floor(rank); var hi = (int)Math.Ceiling(rank);
            return s[lo] + (s[hi] - s[lo]) * (rank - lo);
        }

        /// <summary>CPU milliseconds (user + system) of the last child run by <see cref="Child"/>: steadier than wall time on a loaded machine.</summary>
        public static double LastChildCpuMs { get; private set; }

        /// <summary>Runs a child process to its end; returns wall milliseconds and its peak resident memory (VmHWM, MiB).</summary>
        public static (double ms, double peakMiB, int exit, string stdout, string stderr) Child(ProcessStartInfo psi)
        {
            psi.RedirectStandardOutput = true; psi.RedirectStandardError = true; psi.UseShellExecute = false;
            var cpuBefore = ChildrenCpuMs();
            var watch = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            double peak = 0;
            while (!p.WaitForExit(3))
                peak = Math.Max(peak, ReadHwm(p.Id));
            var ms = watch.Elapsed.TotalMilliseconds;
            p.WaitForExit(); // reaped: its CPU time is in the children's usage now
            LastChildCpuMs = ChildrenCpuMs() - cpuBefore;
            return (ms, peak, p.ExitCode, outTask.Result, errTask.Result);
        }

        [StructLayout(LayoutKind.Sequential)]
        struct RUsage
        {
            public long UserSec, UserMicro, SysSec, SysMicro;
            public long Max, Ix, Id, Is, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
        }

        [DllImport("libc", EntryPoint = "getrusage")]
        static extern int getrusage(int who, out RUsage usage);

        /// <summary>User + system CPU of every waited-for child so far (RUSAGE_CHILDREN); NaN where there is no libc.</summary>
        static double ChildrenCpuMs()
        {
            if (OperatingSystem.IsWindows()) return double.NaN;
            return getrusage(-1, out var u) == 0 ? (u.UserSec + u.SysSec) * 1000.0 + (u.UserMicro + u.SysMicro) / 1000.0 : double.NaN;
        }

        /// <summary>Peak resident memory (VmHWM, MiB) of a running process.</summary>
        public static double PeakOf(int pid) => ReadHwm(pid);

        static double ReadHwm(int pid)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return 0;
        }

        public static double SelfPeakMiB() => ReadHwm(Environment.ProcessId);
    }

    internal sealed class Table
    {
        readonly List<string[]> _rows = new();
        public void Row(string what, string median, string other, string memory, string note = "") => _rows.Add(new[] { what, median, other, memory, note });

        public void Print(TextWriter w)
        {
            var head = new[] { "measurement", "median", "other", "peak memory", "note" };
            var all = new[] { head }.Concat(_rows).ToList();
            var widths = Enumerable.Range(0, head.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
            string Line(string[] r) => "| " + string.Join(" | ", r.Select((c, i) => c.PadRight(widths[i]))) + " |";
            w.WriteLine(Line(head));
            w.WriteLine("|" + string.Join("|", widths.Select(x => new string('-', x + 2))) + "|");
            foreach (var r in _rows) w.WriteLine(Line(r));
        }
    }
}
