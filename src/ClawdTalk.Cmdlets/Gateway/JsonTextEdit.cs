using System.Text;

namespace ClawdTalk.Gateway
{
    /// <summary>
    /// A map of a JSON (or JSON5: comments, trailing commas, single quotes, unquoted keys) text: every object, array and
    /// value with its character offsets. It exists so that a change to a gateway config file can be made as a small
    /// insertion into the text, leaving every other byte (keys, order, indentation, comments, line endings) as it was.
    /// The values themselves are read with Newtonsoft (GatewayConfigFile); this map only needs positions.
    /// </summary>
    internal sealed class JsonTextMap
    {
        internal abstract class Node
        {
            public int Start;
            /// <summary>Offset just after the node.</summary>
            public int End;
        }

        internal sealed class ObjectNode : Node
        {
            public readonly List<Member> Members = new List<Member>();
            public Member? Find(string key) => Members.LastOrDefault(m => m.Key == key); // the last duplicate wins, as in Newtonsoft
        }

        internal sealed class Member
        {
            public string Key = "";
            public int KeyStart, KeyEnd;
            /// <summary>How the key was written: '"', '\'' or '\0' (unquoted).</summary>
            public char KeyQuote;
            public Node Value = null!;
        }

        internal sealed class ArrayNode : Node
        {
            public readonly List<Node> Items = new List<Node>();
        }

        internal sealed class ValueNode : Node
        {
            /// <summary>The decoded text of a string value; null for numbers and literals.</summary>
            public string? Text;
            public char Quote;
        }

        public string Source { get; }
        public Node Root { get; }

        JsonTextMap(string source, Node root)
        {
            Source = source;
            Root = root;
        }

        public static JsonTextMap Parse(string text)
        {
            var p = new Parser(text);
            p.SkipTrivia();
            var root = p.Value(0);
            p.SkipTrivia();
            if (p.Pos < text.Length) throw p.Fail("unexpected text after the JSON value");
            return new JsonTextMap(text, root);
        }

        sealed class Parser
        {
            readonly string _s;
            public int Pos;
            public Parser(string s) { _s = s; }

            public FormatException Fail(string what)
            {
                var line = 1;
                for (var i = 0; i < Math.Min(Pos, _s.Length); i++) if (_s[i] == '\n') line++;
                return new FormatException($"{what} (line {line})");
            }

            public void SkipTrivia()
            {
                while (Pos < _s.Length)
                {
                    var c = _s[Pos];
                    if (char.IsWhiteSpace(c) || c == '\uFEFF') { Pos++; continue; }
                    if (c == '/' && Pos + 1 < _s.Length && _s[Pos + 1] == '/')
                    {
                        while (Pos < _s.Length && _s[Pos] != '\n') Pos++;
                        continue;
                    }
                    if (c == '/' && Pos + 1 < _s.Length && _s[Pos + 1] == '*')
                    {
                        var end = _s.IndexOf("*/", Pos + 2, StringComparison.Ordinal);
                        if (end < 0) throw Fail("unterminated comment");
                        Pos = end + 2;
                        continue;
                    }
                    return;
                }
            }

            public Node Value(int depth)
            {
                if (depth > 200) throw Fail("nested too deeply");
                if (Pos >= _s.Length) throw Fail("unexpected end of text");
                var c = _s[Pos];
                if (c == '{') return Object(depth);
                if (c == '[') return Array(depth);
                if (c == '"' || c == '\'')
                {
                    var start = Pos;
                    var text = String();
                    return new ValueNode { Start = start, End = Pos, Text = text, Quote = c };
                }
                var s = Pos;
                while (Pos < _s.Length && !IsDelimiter(_s[Pos])) Pos++;
                if (Pos == s) throw Fail($"unexpected '{c}'");
                return new ValueNode { Start = s, End = Pos };
            }

            static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c == ',' || c == '}' || c == ']' || c == ':' || c == '/' || c == '{' || c == '[';

            ObjectNode Object(int depth)
            {
                var o = new ObjectNode { Start = Pos };
                Pos++;
                while (true)
                {
                    SkipTrivia();
                    if (Pos >= _s.Length) throw Fail("unterminated object");
                    if (_s[Pos] == '}') { Pos++; o.End = Pos; return o; }
                    var m = new Member { KeyStart = Pos };
                    if (_s[Pos] == '"' || _s[Pos] == '\'') { m.KeyQuote = _s[Pos]; m.Key = String(); }
                    else
                    {
                        var s = Pos;
                        while (Pos < _s.Length && (char.IsLetterOrDigit(_s[Pos]) || _s[Pos] == '_' || _s[Pos] == '$')) Pos++;
                        if (Pos == s) throw Fail($"expected a property name, found '{_s[Pos]}'");
                        m.Key = _s.Substring(s, Pos - s);
                    }
                    m.KeyEnd = Pos;
                    SkipTrivia();
                    if (Pos >= _s.Length || _s[Pos] != ':') throw Fail("expected ':'");
                    Pos++;
                    SkipTrivia();
                    m.Value = Value(depth + 1);
                    o.Members.Add(m);
                    SkipTrivia();
                    if (Pos >= _s.Length) throw Fail("unterminated object");
                    if (_s[Pos] == ',') { Pos++; continue; }
                    if (_s[Pos] == '}') { Pos++; o.End = Pos; return o; }
                    throw Fail($"expected ',' or '}}', found '{_s[Pos]}'");
                }
            }

            ArrayNode Array(int depth)
            {
                var a = new ArrayNode { Start = Pos };
                Pos++;
                while (true)
                {
                    SkipTrivia();
                    if (Pos >= _s.Length) throw Fail("unterminated array");
                    if (_s[Pos] == ']') { Pos++; a.End = Pos; return a; }
                    a.Items.Add(Value(depth + 1));
                    SkipTrivia();
                    if (Pos >= _s.Length) throw Fail("unterminated array");
                    if (_s[Pos] == ',') { Pos++; continue; }
                    if (_s[Pos] == ']') { Pos++; a.End = Pos; return a; }
                    throw Fail($"expected ',' or ']', found '{_s[Pos]}'");
                }
            }

            string String()
            {
                var quote = _s[Pos++];
                var sb = new StringBuilder();
                while (true)
                {
                    if (Pos >= _s.Length) throw Fail("unterminated string");
                    var c = _s[Pos++];
                    if (c == quote) return sb.ToString();
                    if (c != '\\') { sb.Append(c); continue; }
                    if (Pos >= _s.Length) throw Fail("unterminated string");
                    var e = _s[Pos++];
                    switch (e)
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'u':
                            if (Pos + 4 > _s.Length || !int.TryParse(_s.Substring(Pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                                throw Fail("bad \\u escape");
                            sb.Append((char)code);
                            Pos += 4;
                            break;
                        case '\r':
                            if (Pos < _s.Length && _s[Pos] == '\n') Pos++;
                            break;
                        case '\n': break;
                        default: sb.Append(e); break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Small insertions into a JSON text that keep the file's own style: the indentation of the neighbours, the quote
    /// style of keys and strings, the separator after keys, trailing commas, line endings and comments.
    /// </summary>
    internal static class JsonTextEdit
    {
        /// <summary>The file's newline ("\r\n" when it uses CRLF).</summary>
        public static string NewLine(string text) => text.Contains("\r\n") ? "\r\n" : "\n";

        /// <summary>The file's indentation step: a tab, or the greatest common divisor of the leading spaces (2 by default).</summary>
        public static string IndentUnit(string text)
        {
            var gcd = 0;
            foreach (var raw in text.Split('\n'))
            {
                if (raw.Length == 0) continue;
                if (raw[0] == '\t') return "\t";
                var n = 0;
                while (n < raw.Length && raw[n] == ' ') n++;
                if (n == 0 || n == raw.Length) continue;
                gcd = gcd == 0 ? n : Gcd(gcd, n);
            }
            return new string(' ', gcd == 0 ? 2 : Math.Min(gcd, 8));
        }

        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

        /// <summary>The leading whitespace of the line that holds <paramref name="offset"/>.</summary>
        public static string LineIndent(string text, int offset)
        {
            var start = offset;
            while (start > 0 && text[start - 1] != '\n') start--;
            var end = start;
            while (end < text.Length && (text[end] == ' ' || text[end] == '\t')) end++;
            return text.Substring(start, end - start);
        }

        static bool HasNewline(string text, int from, int to)
        {
            for (var i = from; i < to; i++) if (text[i] == '\n') return true;
            return false;
        }

        /// <summary>A string literal in the given quote style.</summary>
        public static string Quote(string value, char quote)
        {
            if (quote != '\'') quote = '"';
            var sb = new StringBuilder().Append(quote);
            foreach (var c in value)
            {
                if (c == quote || c == '\\') sb.Append('\\').Append(c);
                else if (c == '\n') sb.Append("\\n");
                else if (c == '\r') sb.Append("\\r");
                else if (c == '\t') sb.Append("\\t");
                else if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.Append(quote).ToString();
        }

        /// <summary>Appends <paramref name="itemText"/> as the last item of an array.</summary>
        public static string AppendItem(string text, JsonTextMap.ArrayNode array, string itemText) =>
            array.Items.Count == 0
                ? InsertIntoEmpty(text, array, itemText)
                : InsertAfterLast(text, array, array.Items[array.Items.Count - 1].Start, array.Items[array.Items.Count - 1].End, itemText);

        /// <summary>
        /// Appends a member as the last member of an object. <paramref name="valueText"/> gets the member's indentation and
        /// the key quote style of its neighbours ('\0' for unquoted keys), so nested content can follow them.
        /// </summary>
        public static string AppendMember(string text, JsonTextMap.ObjectNode obj, string key, Func<string, char, string> valueText)
        {
            if (obj.Members.Count == 0)
            {
                var indent = LineIndent(text, obj.Start) + IndentUnit(text);
                return InsertIntoEmpty(text, obj, Quote(key, '"') + ": " + valueText(indent, '"'));
            }
            var last = obj.Members[obj.Members.Count - 1];
            var style = last.KeyQuote == '\0' && !IsIdentifier(key) ? '"' : last.KeyQuote;
            var keyText = style == '\0' ? key : Quote(key, style);
            var separator = text.Substring(last.KeyEnd, last.Value.Start - last.KeyEnd);
            if (separator.IndexOf('/') >= 0 || separator.IndexOf('\n') >= 0) separator = ": ";
            var memberIndent = LineIndent(text, last.KeyStart);
            return InsertAfterLast(text, obj, last.KeyStart, last.Value.End, keyText + separator + valueText(memberIndent, style));
        }

        static bool IsIdentifier(string s) => s.Length > 0 && !char.IsDigit(s[0]) && s.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '$');

        /// <summary>
        /// Inserts into an empty container. A container written over several lines, or an empty object in a file written
        /// over several lines, gets the new content on its own line; otherwise it stays on one line.
        /// </summary>
        static string InsertIntoEmpty(string text, JsonTextMap.Node container, string inner)
        {
            var open = container.Start + 1;
            var close = container.End - 1;
            var interior = text.Substring(open, close - open);
            var onlySpace = interior.Trim().Length == 0;
            var isObject = text[container.Start] == '{';
            var multiline = HasNewline(text, open, close) || (isObject && text.IndexOf('\n') >= 0);
            var nl = NewLine(text);
            if (!multiline)
                return text.Substring(0, open) + inner + (onlySpace ? "" : interior) + text.Substring(close);
            var indent = LineIndent(text, container.Start);
            var unit = IndentUnit(text);
            if (onlySpace)
                return text.Substring(0, open) + nl + indent + unit + inner + nl + indent + text.Substring(close);
            // keep comments that sit inside the empty container: the new content goes after them
            var trimmedEnd = close;
            while (trimmedEnd > open && char.IsWhiteSpace(text[trimmedEnd - 1])) trimmedEnd--;
            return text.Substring(0, trimmedEnd) + nl + indent + unit + inner + text.Substring(trimmedEnd);
        }

        /// <summary>
        /// Inserts after the last item/member. On one line: `, new`. Over several lines: a comma after the last one and
        /// the new one on a line of its own with the same indentation, after any comment that ends the last one's line.
        /// A trailing comma (JSON5) is kept as the file's style.
        /// </summary>
        static string InsertAfterLast(string text, JsonTextMap.Node container, int lastStart, int lastEnd, string newText)
        {
            var close = container.End - 1;
            // a trailing comma after the last item?
            var p = SkipInline(text, lastEnd, close, acrossLines: true);
            var trailingComma = p < close && text[p] == ',';
            var afterLast = trailingComma ? p + 1 : lastEnd;
            var multiline = HasNewline(text, container.Start, close);
            if (!multiline)
                return trailingComma
                    ? text.Substring(0, afterLast) + " " + newText + "," + text.Substring(afterLast)
                    : text.Substring(0, lastEnd) + ", " + newText + text.Substring(lastEnd);

            var indent = LineIndent(text, lastStart);
            var nl = NewLine(text);
            // the end of the last item's line, when only spaces and comments follow it there
            var q = SkipInline(text, afterLast, close, acrossLines: false);
            var eol = q < text.Length && (text[q] == '\n' || text[q] == '\r') ? q : -1;
            if (trailingComma)
            {
                var at = eol >= 0 ? eol : afterLast;
                return text.Substring(0, at) + nl + indent + newText + "," + text.Substring(at);
            }
            if (eol >= 0)
                return text.Substring(0, lastEnd) + "," + text.Substring(lastEnd, eol - lastEnd) + nl + indent + newText + text.Substring(eol);
            return text.Substring(0, lastEnd) + "," + nl + indent + newText + text.Substring(lastEnd);
        }

        /// <summary>Skips spaces and comments from <paramref name="from"/>; with acrossLines false it stops at a newline.</summary>
        static int SkipInline(string text, int from, int limit, bool acrossLines)
        {
            var i = from;
            while (i < limit)
            {
                var c = text[i];
                if (c == ' ' || c == '\t' || (acrossLines && (c == '\n' || c == '\r'))) { i++; continue; }
                if (c == '/' && i + 1 < limit && text[i + 1] == '/')
                {
                    while (i < limit && text[i] != '\n' && text[i] != '\r') i++;
                    continue;
                }
                if (c == '/' && i + 1 < limit && text[i + 1] == '*')
                {
                    var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0 || end + 2 > limit) return i;
                    if (!acrossLines && HasNewline(text, i, end)) return i;
                    i = end + 2;
                    continue;
                }
                return i;
            }
            return i;
        }
    }
}
