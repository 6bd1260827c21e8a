using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ClawdTalk.Host
{
    /// <summary>One runspace with the ClawdTalk module imported, running script text or files the way `pwsh -Command`/`-File` does.</summary>
    public sealed class ScriptSession : IDisposable
    {
        readonly ScriptHost _host;
        readonly Runspace _runspace;

        public ScriptSession(ScriptHost host, string? modulePath, bool ansi = false)
        {
            _host = host;
            var iss = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            _runspace = RunspaceFactory.CreateRunspace(host, iss);
            _runspace.Open();
            host.Runspace = _runspace;
            host.HostUI.SupportsAnsi = ansi;
            if (modulePath != null)
            {
                using var ps = PowerShell.Create();
                ps.Runspace = _runspace;
                ps.AddCommand("Import-Module").AddParameter("Name", modulePath).AddParameter("ErrorAction", ActionPreference.Stop);
                ps.Invoke();
            }
        }

        public Runspace Runspace => _runspace;
        public ScriptHost Host => _host;

        /// <summary>Finds the module: $CLAWDTALK_MODULE, the copy beside the executable, or the repository's out/ folder.</summary>
        public static string? FindModule() => HostArguments.FindModule();

        /// <summary>Sets the runspace's location (a literal path), as a process started in that folder would have it.</summary>
        public void SetLocation(string path)
        {
            var paths = _runspace.SessionStateProxy.Path;
            if (!string.Equals(paths.CurrentFileSystemLocation.ProviderPath, path, StringComparison.Ordinal))
                paths.SetLocation(WildcardPattern.Escape(path));
        }

        /// <summary>
        /// Runs an empty statement, outside the history: the first pipeline of a runspace costs a few milliseconds of CPU
        /// more than the next (measured 6.0 against 3.7 ms for `1`), so a resident server's pooled sessions pay it before a
        /// client's command instead of during it. It leaves nothing a script can see ($?, $^, $$, $Error, the history).
        /// </summary>
        public void Prime()
        {
            using var pipeline = _runspace.CreatePipeline("$null", false);
            pipeline.Invoke();
        }

        /// <summary>Stops the script that is running (as Ctrl+C would).</summary>
        public void Stop()
        {
            var pipeline = _running;
            try { pipeline?.StopAsync(); } catch (ObjectDisposedException) { } catch (InvalidPipelineStateException) { }
        }

        volatile Pipeline? _running;

        /// <summary>Runs script text (or a script file with arguments), printing through the host. Returns the exit code.</summary>
        public int Execute(string script, bool isFile = false, IList<string>? args = null)
        {
            if (isFile)
            {
                // Like pwsh -File: "-Name" arguments bind as parameter names, everything else as a literal string.
                var text = new System.Text.StringBuilder("& ").Append(Quote(Path.GetFullPath(script)));
                foreach (var a in args ?? Array.Empty<string>())
                    text.Append(' ').Append(System.Text.RegularExpressions.Regex.IsMatch(a, @"^-[A-Za-z_][A-Za-z0-9_]*:?$") ? a : Quote(a));
                script = text.ToString();
            }
            // A runspace pipeline, as pwsh's console host runs a command (the PowerShell API would reset $? afterwards):
            // errors merged into the output and everything through Out-Default.
            using var pipeline = _runspace.CreatePipeline(script, true);
            pipeline.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            pipeline.Commands.Add(new Command("Out-Default", false, true));
            // `exit N` in a script file sets $LASTEXITCODE (it leaves only the script, not the host): pwsh -File returns it.
            if (isFile) _runspace.SessionStateProxy.SetVariable("global:LASTEXITCODE", null);
            try
            {
                _running = pipeline;
                pipeline.Invoke();
            }
            catch (RuntimeException ex)
            {
                if (_host.ExitCode.HasValue) return _host.ExitCode.Value;
                WriteError(ex.ErrorRecord);
                return 1;
            }
            finally { _running = null; }
            if (_host.ExitCode.HasValue) return _host.ExitCode.Value;
            if (isFile && _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int fileExit && fileExit != 0) return fileExit;
            // Like pwsh: the exit code is $? of the last statement (an error the script handled, silenced or wrote
            // earlier does not count), read the way pwsh's console host reads it.
            return LastStatementSucceeded() ? 0 : 1;
        }

        bool LastStatementSucceeded()
        {
            using var pipeline = _runspace.CreatePipeline("$global:?", false);
            var result = pipeline.Invoke();
            return result.Count == 1 && result[0]?.BaseObject is bool ok && ok;
        }

        static string Quote(string s) => "'" + s.Replace("'", "''") + "'";

        /// <summary>Prints an error record the way the engine's error view does, on the error writer.</summary>
        public void WriteError(ErrorRecord record)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            // Re-emitted on the error stream so Out-Default renders it with the error view on the error writer.
            ps.AddScript("param($e) & { [CmdletBinding()] param($r) $PSCmdlet.WriteError($r) } $e").AddArgument(record);
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            ps.AddCommand("Out-Default");
            try { ps.Invoke(); }
            catch (RuntimeException) { _host.UI.WriteErrorLine(record.ToString()); }
        }

        public void Dispose() => _runspace.Dispose();
    }
}
