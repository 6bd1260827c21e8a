using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace ClawdTalk.Host
{
    /// <summary>
    /// A small PowerShell host over text writers: what a script prints (format views, errors, warnings) goes where
    /// pwsh would send it. Used by the `clawdtalk` executable (console) and by the test suite (string writers).
    /// </summary>
    public sealed class ScriptHost : PSHost, IHostSupportsInteractiveSession
    {
        readonly ScriptHostUI _ui;
        readonly Guid _id = Guid.NewGuid();

        public ScriptHost(TextWriter output, TextWriter error, TextReader? input = null, int width = 120)
        {
            _ui = new ScriptHostUI(output, error, input, width);
        }

        public int? ExitCode { get; private set; }
        public override string Name => "ClawdTalkHost";
        public override Version Version => typeof(ScriptHost).Assembly.GetName().Version ?? new Version(0, 1);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public ScriptHostUI HostUI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
        public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by the clawdtalk host.");
        public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by the clawdtalk host.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }

        // IHostSupportsInteractiveSession: lets the engine know there is one local runspace.
        public System.Management.Automation.Runspaces.Runspace Runspace { get; internal set; } = null!;
        public bool IsRunspacePushed => false;
        public void PopRunspace() => throw new NotSupportedException();
        public void PushRunspace(System.Management.Automation.Runspaces.Runspace runspace) => throw new NotSupportedException();
    }

    public sealed class ScriptHostUI : PSHostUserInterface
    {
        readonly TextWriter _out, _err;
        readonly TextReader? _in;
        readonly TextRawUI _raw;

        public ScriptHostUI(TextWriter output, TextWriter error, TextReader? input, int width)
        {
            _out = output; _err = error; _in = input; _raw = new TextRawUI(width);
        }

        public override PSHostRawUserInterface RawUI => _raw;

        /// <summary>The width that format views wrap to (a resident server sets each client's own).</summary>
        public int Width { get => _raw.Width; set => _raw.Width = value; }
        public bool Interactive => _in != null;

        public override string ReadLine() => _in?.ReadLine() ?? throw NonInteractive();
        public override SecureString ReadLineAsSecureString()
        {
            var line = ReadLine();
            var s = new SecureString();
            foreach (var c in line) s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }

        /// <summary>True when the output is a terminal that shows ANSI colours; otherwise they are removed ($PSStyle.OutputRendering).</summary>
        public bool SupportsAnsi { get; set; }

        string Render(string text) => GetOutputString(text, SupportsAnsi);

        public override void Write(string value) { lock (_out) _out.Write(Render(value)); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) { lock (_out) _out.WriteLine(Render(value)); }
        public override void WriteErrorLine(string value) { lock (_err) _err.WriteLine(Render(value)); }
        public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { /* not drawn: output may be redirected */ }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
        {
            if (_in == null) throw NonInteractive();
            var result = new Dictionary<string, PSObject>();
            foreach (var d in descriptions)
            {
                Write(d.Name + ": ");
                result[d.Name] = PSObject.AsPSObject(ReadLine());
            }
            return result;
        }

        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            if (_in == null) throw NonInteractive();
            WriteLine(caption);
            WriteLine(message);
            var labels = new StringBuilder();
            for (var i = 0; i < choices.Count; i++) labels.Append('[').Append(choices[i].Label.Replace("&", "")).Append("] ");
            while (true)
            {
                Write(labels + $"(default {choices[defaultChoice].Label.Replace("&", "")}): ");
                var answer = ReadLine().Trim();
                if (answer.Length == 0) return defaultChoice;
                for (var i = 0; i < choices.Count; i++)
                {
                    var label = choices[i].Label;
                    var hot = label.IndexOf('&');
                    if (label.Replace("&", "").Equals(answer, StringComparison.OrdinalIgnoreCase)
                        || (hot >= 0 && hot + 1 < label.Length && answer.Equals(label[hot + 1].ToString(), StringComparison.OrdinalIgnoreCase)))
                        return i;
                }
            }
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw NonInteractive();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw NonInteractive();

        static PSInvalidOperationException NonInteractive() =>
            new PSInvalidOperationException("The clawdtalk host is running non-interactively and cannot prompt. Use -Force or -Confirm:$false to skip confirmations.");

        sealed class TextRawUI : PSHostRawUserInterface
        {
            int _width;
            public TextRawUI(int width) { _width = width; }
            public int Width { get => _width; set => _width = value; }
            public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
            public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
            public override Size BufferSize { get => new Size(_width, 9999); set { } }
            public override Coordinates CursorPosition { get; set; }
            public override int CursorSize { get; set; }
            public override bool KeyAvailable => false;
            public override Size MaxPhysicalWindowSize => new Size(_width, 9999);
            public override Size MaxWindowSize => new Size(_width, 9999);
            public override Coordinates WindowPosition { get; set; }
            public override Size WindowSize { get => new Size(_width, 50); set { } }
            public override string WindowTitle { get; set; } = "clawdtalk";
            public override void FlushInputBuffer() { }
            public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
            public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
            public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();
            public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();
            public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
        }
    }
}
