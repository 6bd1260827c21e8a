using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Host;
using Xunit;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// A runspace of the real PowerShell 7.6 engine that imports out/ClawdTalk/&lt;version&gt;/ClawdTalk.psd1 exactly as a
    /// user would, runs PowerShell text and hands back output objects, every stream and what the host printed. Every run
    /// is scanned for the registered secrets (API key, gateway token): finding one fails the test.
    /// </summary>
    public sealed class PsSession : IDisposable
    {
        readonly StringWriter _out = new(), _err = new();
        readonly ScriptSession _session;
        readonly List<string> _secrets = new();

        public PsSession(bool importModule = true, TextReader? input = null)
        {
            Host = new ScriptHost(_out, _err, input, 160);
            _session = new ScriptSession(Host, importModule ? ModuleLocation.Manifest : null);
        }

        public ScriptHost Host { get; }

        /// <summary>Registers a secret that must never appear in any stream of this session.</summary>
        public PsSession Secret(params string?[] secrets)
        {
            foreach (var s in secrets) if (!string.IsNullOrEmpty(s)) _secrets.Add(s!);
            return this;
        }

        /// <summary>Runs script text with optional variables; returns objects and streams.</summary>
        public PsResult Run(string script, IDictionary<string, object?>? variables = null) => Invoke(script, variables, formatted: false, null);

        /// <summary>Runs `script | Out-Default`: the objects go through the module's format views into HostText.</summary>
        public PsResult RunFormatted(string script, IDictionary<string, object?>? variables = null) => Invoke(script, variables, formatted: true, null);

        /// <summary>Starts a script, waits <paramref name="stopAfter"/>, presses Ctrl+C (PowerShell.Stop) and returns what it left.</summary>
        /// <summary>
        /// Starts a script and presses Ctrl+C once <paramref name="when"/> holds (checked every 20 ms): the moment the test
        /// has proven (the wait is under way, the request is held), never a fixed time, so a loaded machine that is slow to
        /// reach it still stops there. When the moment does not come within <paramref name="atMost"/>, Ctrl+C is pressed
        /// all the same (the pipeline must not outlive the test) and the test fails: it did not stop what it meant to stop.
        /// </summary>
        public PsResult RunAndStop(string script, Func<bool> when, TimeSpan atMost, IDictionary<string, object?>? variables = null) =>
            RunAndStop(script, _ => when(), atMost, variables);

        /// <summary>
        /// <see cref="RunAndStop(string, Func{bool}, TimeSpan, IDictionary{string, object?}?)"/> with a moment read from the
        /// running pipeline's own streams (progress shown, a verbose line written), which grow while it runs.
        /// </summary>
        public PsResult RunAndStop(string script, Func<PSDataStreams, bool> when, TimeSpan atMost, IDictionary<string, object?>? variables = null)
        {
            var result = Invoke(script, variables, false, atMost, when);
            Assert.True(result.MomentCame, $"the moment to press Ctrl+C did not come within {atMost.TotalSeconds:0} s (the script ended or never got there)");
            return result;
        }

        PsResult Invoke(string script, IDictionary<string, object?>? variables, bool formatted, TimeSpan? stopAfter, Func<PSDataStreams, bool>? when = null)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _session.Runspace;
            if (variables != null)
                foreach (var kv in variables) _session.Runspace.SessionStateProxy.SetVariable(kv.Key, kv.Value);
            var outStart = _out.GetStringBuilder().Length;
            var errStart = _err.GetStringBuilder().Length;
            ps.AddScript(script);
            if (formatted) ps.AddCommand("Out-Default");
            var result = new PsResult();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                if (stopAfter.HasValue)
                {
                    var async = ps.BeginInvoke();
                    var finished = false;
                    var deadline = System.Diagnostics.Stopwatch.StartNew();
                    while (!(finished = async.AsyncWaitHandle.WaitOne(20)) && !(result.MomentCame = when!(ps.Streams)) && deadline.Elapsed < stopAfter.Value) { }
                    if (!finished)
                    {
                        var stopWatch = System.Diagnostics.Stopwatch.StartNew();
                        ps.Stop();
                        result.StopDuration = stopWatch.Elapsed;
                    }
                    result.Output = ps.EndInvoke(async).ToList();
                }
                else result.Output = ps.Invoke().ToList();
            }
            catch (RuntimeException ex)
            {
                result.Terminating = ex.ErrorRecord;
                result.TerminatingException = ex;
            }
            result.Duration = watch.Elapsed;
            result.Errors = ps.Streams.Error.ToList();
            result.Warnings = ps.Streams.Warning.Select(w => w.Message).ToList();
            result.Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList();
            result.Debug = ps.Streams.Debug.Select(d => d.Message).ToList();
            result.Progress = ps.Streams.Progress.ToList();
            result.Information = ps.Streams.Information.ToList();
            result.HostText = _out.GetStringBuilder().ToString(outStart, _out.GetStringBuilder().Length - outStart);
            result.HostErrorText = _err.GetStringBuilder().ToString(errStart, _err.GetStringBuilder().Length - errStart);
            result.AssertNoSecrets(_secrets);
            return result;
        }

        public void Dispose() => _session.Dispose();
    }

    public sealed class PsResult
    {
        public List<PSObject> Output { get; set; } = new();
        public List<ErrorRecord> Errors { get; set; } = new();
        public List<string> Warnings { get; set; } = new();
        public List<string> Verbose { get; set; } = new();
        public List<string> Debug { get; set; } = new();
        public List<ProgressRecord> Progress { get; set; } = new();
        public List<InformationRecord> Information { get; set; } = new();
        public string HostText { get; set; } = "";
        public string HostErrorText { get; set; } = "";
        public ErrorRecord? Terminating { get; set; }
        public RuntimeException? TerminatingException { get; set; }
        public TimeSpan Duration { get; set; }
        public TimeSpan? StopDuration { get; set; }
        /// <summary>RunAndStop: the moment to press Ctrl+C came before the time limit.</summary>
        public bool MomentCame { get; set; }

        /// <summary>The base objects of the output, cast.</summary>
        public List<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>().ToList();

        public T Single<T>()
        {
            Assert.True(Terminating == null, "terminating error: " + Terminating);
            Assert.True(Errors.Count == 0, "errors: " + string.Join("; ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            var items = Objects<T>();
            Assert.True(items.Count == 1, $"expected one {typeof(T).Name}, got {items.Count} of {Output.Count} objects");
            return items[0];
        }

        /// <summary>Fails unless the run produced no error at all.</summary>
        public PsResult Ok()
        {
            Assert.True(Terminating == null, "terminating error: " + Terminating?.FullyQualifiedErrorId + ": " + Terminating);
            Assert.True(Errors.Count == 0, "errors: " + string.Join("; ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return this;
        }

        /// <summary>The ErrorIds of every error (terminating last), without the command suffix.</summary>
        public List<string> ErrorIds => Errors.Concat(Terminating == null ? Array.Empty<ErrorRecord>() : new[] { Terminating })
            .Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();

        /// <summary>Asserts an error with this ErrorId (terminating or not) and category; returns it.</summary>
        public ErrorRecord Error(string errorId, ErrorCategory? category = null)
        {
            var all = Errors.Concat(Terminating == null ? Array.Empty<ErrorRecord>() : new[] { Terminating }).ToList();
            var match = all.FirstOrDefault(e => e.FullyQualifiedErrorId.Split(',')[0] == errorId);
            Assert.True(match != null, $"expected error {errorId}, got: [{string.Join("; ", all.Select(e => e.FullyQualifiedErrorId + ": " + e))}]");
            if (category.HasValue) Assert.Equal(category.Value, match!.CategoryInfo.Category);
            return match!;
        }

        /// <summary>Everything the run made visible, as text, for the secrets scanner.</summary>
        public string AllText()
        {
            var sb = new StringBuilder();
            foreach (var o in Output) AppendObject(sb, o, 0);
            foreach (var e in Errors.Concat(Terminating == null ? Array.Empty<ErrorRecord>() : new[] { Terminating }))
            {
                sb.AppendLine(e.ToString()).AppendLine(e.FullyQualifiedErrorId).AppendLine(e.ErrorDetails?.Message).AppendLine(e.ErrorDetails?.RecommendedAction)
                  .AppendLine(e.Exception?.ToString()).AppendLine(Convert.ToString(e.TargetObject)).AppendLine(e.CategoryInfo.ToString());
            }
            if (TerminatingException != null) sb.AppendLine(TerminatingException.ToString());
            foreach (var s in Warnings.Concat(Verbose).Concat(Debug)) sb.AppendLine(s);
            foreach (var p in Progress) sb.AppendLine(p.Activity).AppendLine(p.StatusDescription).AppendLine(p.CurrentOperation);
            foreach (var i in Information) sb.AppendLine(Convert.ToString(i.MessageData));
            sb.AppendLine(HostText).AppendLine(HostErrorText);
            return sb.ToString();
        }

        static void AppendObject(StringBuilder sb, object? o, int depth)
        {
            if (o == null || depth > 3) return;
            sb.AppendLine(Convert.ToString(o));
            if (o is PSObject pso && depth < 3)
                foreach (var p in pso.Properties)
                {
                    object? v;
                    try { v = p.Value; } catch (Exception) { continue; }
                    if (v is string || v is ValueType || v == null) sb.AppendLine(Convert.ToString(v));
                    else AppendObject(sb, PSObject.AsPSObject(v), depth + 1);
                }
        }

        public void AssertNoSecrets(IEnumerable<string> secrets)
        {
            var text = AllText();
            foreach (var s in secrets)
                Assert.False(text.Contains(s, StringComparison.Ordinal), "A secret appeared in the session's streams or output.");
        }
    }
}
