using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
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

        /// <summary>Runs a child process to its end; returns wall milliseconds and its peak resident memory (VmHWM, MiB).</summary>
        public static (double ms, double peakMiB, int exit, string stdout, string stderr) Child(ProcessStartInfo psi)
        {
            psi.RedirectStandardOutput = true; psi.RedirectStandardError = true; psi.UseShellExecute = false;
            var watch = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            double peak = 0;
            while (!p.WaitForExit(3))
                peak = Math.Max(peak, ReadHwm(p.Id));
            var ms = watch.Elapsed.TotalMilliseconds;
            return (ms, peak, p.ExitCode, outTask.Result, errTask.Result);
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
