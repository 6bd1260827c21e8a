namespace ClawdTalk.Boundary
{
    /// <summary>
    /// The last check before a value becomes part of something another program parses line by line or word by word:
    /// a crontab line, a systemd/launchd/Task Scheduler unit, an environment file, a command line, a file name. Whatever
    /// the value's source (and every source should have refused it already), no control character at all gets through,
    /// not even a tab or a line break, nor the Unicode line and paragraph separators: one stray newline in a crontab is a
    /// new job. Quoting for each language stays with its sink (CommandLine, BridgeServiceUnits); this is the one refusal.
    /// </summary>
    internal static class SinkText
    {
        static bool Breaks(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';

        /// <summary>The value, or UnsafeSinkValue naming <paramref name="sink"/> (the value itself is shown with its controls visible).</summary>
        public static string Line(string value, string sink)
        {
            foreach (var c in value)
                if (Breaks(c))
                    throw Errors.Invalid(ErrorIds.UnsafeSinkValue,
                        $"A value for {sink} holds the control character {OutsideText.Name(c)}; it was refused, because it could add lines or words " +
                        $"to what {sink} runs: '{Short(value)}'.", Short(value));
            return value;
        }

        public static void Lines(IEnumerable<string> values, string sink)
        {
            foreach (var v in values) Line(v, sink);
        }

        /// <summary>
        /// A file inside <paramref name="folder"/> named from data (a slug): the name must be one plain file name, so the
        /// result can never leave the folder.
        /// </summary>
        public static string FileIn(string folder, string name, string sink)
        {
            Line(name, sink);
            if (name.Length == 0 || name == "." || name == ".." || name.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
                throw Errors.Invalid(ErrorIds.UnsafeSinkValue, $"'{Short(name)}' is not a plain file name for {sink}; it was refused so the file stays in {folder}.", Short(name));
            return Path.Combine(folder, name);
        }

        static string Short(string s)
        {
            var v = OutsideText.Visible(s);
            return v.Length > 80 ? v.Substring(0, 80) + "…" : v;
        }
    }
}
