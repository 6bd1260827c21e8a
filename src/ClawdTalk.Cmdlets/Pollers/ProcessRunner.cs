using System.Diagnostics;
using System.Text;

namespace ClawdTalk.Pollers
{
    internal sealed class ProcessResult
    {
        public ProcessResult(int exitCode, string stdout, string stderr)
        {
            ExitCode = exitCode;
            StdOut = stdout;
            StdErr = stderr;
        }

        public int ExitCode { get; }
        public string StdOut { get; }
        public string StdErr { get; }
    }

    /// <summary>Runs the scheduler's tools (crontab, schtasks.exe). Tests put a recorder in its place.</summary>
    internal interface IProcessRunner
    {
        ProcessResult Run(string program, IReadOnlyList<string> arguments, string? stdin = null);
    }

    internal sealed class SystemProcessRunner : IProcessRunner
    {
        public static readonly SystemProcessRunner Instance = new SystemProcessRunner();
        static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? stdin = null)
        {
            var psi = new ProcessStartInfo(program, CommandLine.Join(arguments))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            Process process;
            try { process = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException || ex is FileNotFoundException)
            {
                throw new ClawdTalkException(ErrorIds.PollerSchedulerUnavailable, ErrorCategory.NotInstalled,
                    $"'{program}' cannot be started: {ex.Message}", program, ex);
            }
            using (process)
            {
                var stdout = Task.Run(() => process.StandardOutput.ReadToEnd());
                var stderr = Task.Run(() => process.StandardError.ReadToEnd());
                if (stdin != null)
                {
                    var bytes = new UTF8Encoding(false).GetBytes(stdin);
                    process.StandardInput.BaseStream.Write(bytes, 0, bytes.Length);
                    process.StandardInput.BaseStream.Flush();
                }
                process.StandardInput.Close();
                if (!process.WaitForExit((int)Limit.TotalMilliseconds))
                {
                    try { process.Kill(); } catch (InvalidOperationException) { }
                    throw new ClawdTalkException(ErrorIds.PollerSchedulerFailed, ErrorCategory.OperationTimeout,
                        $"'{Path.GetFileName(program)}' did not finish within {Limit.TotalSeconds:0} s.", program);
                }
                return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
            }
        }
    }

    /// <summary>Quoting for the three command languages a poller's command line passes through.</summary>
    internal static class CommandLine
    {
        /// <summary>One argument for a Windows-style command line (also how .NET splits ProcessStartInfo.Arguments on Unix).</summary>
        public static string QuoteWindows(string arg)
        {
            Boundary.SinkText.Line(arg, "a command line");
            if (arg.Length > 0 && arg.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0) return arg;
            var sb = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') sb.Append('\\', backslashes * 2 + 1).Append('"');
                else sb.Append('\\', backslashes).Append(c);
                backslashes = 0;
            }
            return sb.Append('\\', backslashes * 2).Append('"').ToString();
        }

        public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(QuoteWindows));

        /// <summary>A POSIX shell word: single quotes, with a quote written as '\''.</summary>
        public static string QuoteSh(string s) =>
            Boundary.SinkText.Line(s, "a shell command").Length > 0 && s.All(c => (c < 0x80 && char.IsLetterOrDigit(c)) || "/._-:+,@".IndexOf(c) >= 0) ? s : "'" + s.Replace("'", "'\\''") + "'";

        /// <summary>
        /// A PowerShell single-quoted string, escaped by PowerShell's own rule (CodeGeneration: every single-quote
        /// character the parser knows, U+2018–U+201B included, is doubled).
        /// </summary>
        public static string QuotePs(string s) =>
            "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(Boundary.SinkText.Line(s, "a PowerShell command")) + "'";
    }
}
