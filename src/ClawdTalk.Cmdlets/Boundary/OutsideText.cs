using System.Text;

namespace ClawdTalk.Boundary
{
    /// <summary>
    /// The one rule for text that crosses the module's edge, written by hand because it is this module's policy, not a
    /// format: the C0 controls other than tab and newline, DEL and the C1 controls (U+0080–U+009F) are never executed.
    /// Text going out (names, messages, instructions, anything a cmdlet sends or stores) is refused when it holds one
    /// (a CR directly before a LF is a line break and is accepted); text coming in (service answers, inbound texts,
    /// state and config written by others) is shown with them made visible: C0 as its control picture (ESC → ␛), DEL as
    /// ␡, C1 and the bidirectional overrides (which reorder what a terminal shows) as \u0085-style escapes.
    /// </summary>
    internal static class OutsideText
    {
        /// <summary>A character that a terminal may execute: C0 but tab and newline, DEL, C1.</summary>
        public static bool IsControl(char c) => (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F);

        /// <summary>Bidirectional embedding, override and isolate controls: shown escaped, never obeyed.</summary>
        static bool IsBidiControl(char c) => (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

        /// <summary>The index of the first control character (a CR before a LF does not count), or -1.</summary>
        public static int FirstControl(string? s)
        {
            if (s == null) return -1;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (!IsControl(c)) continue;
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n') continue;
                return i;
            }
            return -1;
        }

        /// <summary>"U+001B (ESC)": how an error names a character.</summary>
        public static string Name(char c)
        {
            var code = "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            var abbr = c switch
            {
                '\0' => "NUL", '\a' => "BEL", '\b' => "BS", '\v' => "VT", '\f' => "FF", '\r' => "CR", '\u001b' => "ESC", '\u007f' => "DEL",
                '\u009b' => "CSI", '\u009d' => "OSC", '\u0085' => "NEL",
                _ => null,
            };
            return abbr == null ? code : $"{code} ({abbr})";
        }

        /// <summary>
        /// Outgoing text: returned as given (CRLF line breaks become LF) when it holds no control character, otherwise a
        /// ControlCharacterInText error naming <paramref name="what"/>, the character and its position.
        /// </summary>
        public static string Clean(string value, string what)
        {
            var i = FirstControl(value);
            if (i >= 0)
                throw Errors.Invalid(ErrorIds.ControlCharacterInText,
                    $"{what} holds the control character {Name(value[i])} at position {i + 1}; control characters are not sent or stored " +
                    "(only tab and line breaks are). Remove it and try again.", Visible(Preview(value)));
            return value.IndexOf('\r') >= 0 ? value.Replace("\r\n", "\n") : value;
        }

        /// <summary>True when <paramref name="value"/> may be sent or stored as it is (see <see cref="Clean"/>).</summary>
        public static bool IsClean(string? value) => FirstControl(value) < 0;

        /// <summary>
        /// Text from outside as a person may see it: controls made visible (see the class), CRLF shown as a line break.
        /// Returns the same instance when there is nothing to change (the usual case, so this is cheap on every string).
        /// </summary>
        public static string Visible(string s)
        {
            var i = 0;
            for (; i < s.Length; i++)
                if (IsControl(s[i]) || IsBidiControl(s[i])) break;
            if (i == s.Length) return s;
            var sb = new StringBuilder(s.Length + 8);
            sb.Append(s, 0, i);
            for (; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n') continue; // CRLF: the LF that follows is the line break
                if (c < 0x20 && c != '\t' && c != '\n') sb.Append((char)(0x2400 + c));
                else if (c == 0x7F) sb.Append('\u2421');
                else if ((c >= 0x80 && c <= 0x9F) || IsBidiControl(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary><see cref="Visible(string)"/> for a value that may be null.</summary>
        public static string? VisibleOrNull(string? s) => s == null ? null : Visible(s);

        static string Preview(string s) => s.Length > 60 ? s.Substring(0, 60) + "…" : s;
    }
}
