using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Turns an agent's reply into text for speech or SMS. Unlike the published client, letters of every script are kept
    /// (Cyrillic, Greek, CJK, Arabic, Devanagari…); what goes is markdown, link syntax, emoji and other pictographs.
    /// </summary>
    internal static class SpeechText
    {
        public const string Done = "Done.";
        public const int MaxSpeechChars = 2000;
        public const int MaxSmsChars = 1500;

        static readonly Regex Image = new Regex(@"!\[([^\]]*)\]\([^)]*\)", RegexOptions.Compiled);
        static readonly Regex Link = new Regex(@"\[([^\]]+)\]\((?:[^)\s]+)(?:\s+""[^""]*"")?\)", RegexOptions.Compiled);
        static readonly Regex AutoLink = new Regex(@"<(https?://[^>\s]+)>", RegexOptions.Compiled);
        static readonly Regex Fence = new Regex(@"^\s*(```|~~~)[^\n]*$", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex Heading = new Regex(@"^\s{0,3}#{1,6}\s+", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex Quote = new Regex(@"^\s{0,3}>\s?", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex Bullet = new Regex(@"^\s*(?:[-*+•]|\d{1,3}[.)])\s+", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex Rule = new Regex(@"^\s*(?:[-*_]\s*){3,}$", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex TableRule = new Regex(@"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", RegexOptions.Compiled | RegexOptions.Multiline);
        static readonly Regex Emphasis = new Regex(@"(\*{1,3}|~~)(?=\S)(.+?)(?<=\S)\1", RegexOptions.Compiled);
        static readonly Regex UnderscoreEmphasis = new Regex(@"(?<![\p{L}\p{N}_])(_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\p{L}\p{N}_])", RegexOptions.Compiled);
        static readonly Regex InlineCode = new Regex(@"`+([^`]*)`+", RegexOptions.Compiled);
        static readonly Regex Spaces = new Regex(@"[ \t\f\v\u00A0]+", RegexOptions.Compiled);
        static readonly Regex Newlines = new Regex(@"\s*\n+\s*", RegexOptions.Compiled);

        /// <summary>Clean text for the caller's ear, at most <paramref name="max"/> characters; never empty.</summary>
        public static string ForSpeech(string? text, int max = MaxSpeechChars)
        {
            var t = (text ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
            if (IsEmptyReply(t)) return Done;
            if (TryJson(t, out var inner))
            {
                if (inner == null) return Done;
                t = inner;
            }
            t = StripMarkdown(t, keepUrls: false);
            t = KeepSpeakable(t);
            t = JoinLines(t);
            t = Spaces.Replace(t, " ").Trim();
            if (t.Length == 0 || t.Trim('.', ',', ';', ':', '!', '?', '-', ' ').Length == 0) return Done;
            return Cut(t, max);
        }

        /// <summary>Text for an SMS reply (at most 1,500 characters), or null when the reply is not worth a message.</summary>
        public static string? ForSms(string? text, int max = MaxSmsChars)
        {
            var t = (text ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
            if (IsEmptyReply(t)) return null;
            if (TryJson(t, out var inner))
            {
                if (inner == null) return null;
                t = inner;
            }
            t = StripMarkdown(t, keepUrls: true);
            t = RemoveControls(t);
            t = Regex.Replace(t, @"[ \t]+\n", "\n");
            t = Regex.Replace(t, @"\n{3,}", "\n\n").Trim();
            if (t.Length == 0) return null;
            return Cut(t, max);
        }

        static bool IsEmptyReply(string t) => t.Length == 0 || t.Equals("HEARTBEAT_OK", StringComparison.OrdinalIgnoreCase) || t.Equals("NO_REPLY", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// A reply that is a bare JSON value: a tool call (or anything without words) yields null ("Done."); an object that
        /// carries its text in `reply`/`text`/`message` yields that text.
        /// </summary>
        static bool TryJson(string t, out string? inner)
        {
            inner = null;
            if (!(t.StartsWith("{", StringComparison.Ordinal) && t.EndsWith("}", StringComparison.Ordinal))
                && !(t.StartsWith("[", StringComparison.Ordinal) && t.EndsWith("]", StringComparison.Ordinal))) return false;
            JToken token;
            try { token = Json.Parse(t); }
            catch (JsonException) { return false; }
            if (token is JObject o)
            {
                string? text = null;
                foreach (var k in new[] { "reply", "text", "message", "content" })
                    if (o[k]?.Type == JTokenType.String) { text = (string?)o[k]; break; }
                if (!string.IsNullOrWhiteSpace(text) && o["tool"] == null && o["tool_calls"] == null && o["function"] == null && o["arguments"] == null)
                {
                    inner = text!.Trim().StartsWith("{", StringComparison.Ordinal) ? null : text;
                }
            }
            return true;
        }

        static string StripMarkdown(string t, bool keepUrls)
        {
            t = Fence.Replace(t, "");
            t = Image.Replace(t, "$1");
            t = Link.Replace(t, keepUrls ? (MatchEvaluator)(m => m.Groups[1].Value + " (" + UrlOf(m.Value) + ")") : (m => m.Groups[1].Value));
            t = AutoLink.Replace(t, "$1");
            t = TableRule.Replace(t, "");
            t = Rule.Replace(t, "");
            t = Heading.Replace(t, "");
            t = Quote.Replace(t, "");
            t = Bullet.Replace(t, "");
            for (var i = 0; i < 3; i++) t = UnderscoreEmphasis.Replace(Emphasis.Replace(t, "$2"), "$2");
            t = InlineCode.Replace(t, "$1");
            if (!keepUrls) t = t.Replace('|', ',');
            return t;
        }

        static string UrlOf(string markdownLink)
        {
            var open = markdownLink.LastIndexOf("](", StringComparison.Ordinal);
            var url = markdownLink.Substring(open + 2).TrimEnd(')');
            var space = url.IndexOf(' ');
            return space > 0 ? url.Substring(0, space) : url;
        }

        /// <summary>
        /// Keeps letters and marks of every script, digits, punctuation, spaces and currency/math signs; drops emoji and
        /// other pictographs, leftover markdown characters, variation selectors and control characters.
        /// </summary>
        static string KeepSpeakable(string t)
        {
            var sb = new StringBuilder(t.Length);
            for (var i = 0; i < t.Length; i++)
            {
                var c = t[i];
                var pair = char.IsHighSurrogate(c) && i + 1 < t.Length && char.IsLowSurrogate(t[i + 1]);
                var cat = CharUnicodeInfo.GetUnicodeCategory(t, i);
                var keep = Keep(cat, c, sb);
                if (keep)
                {
                    sb.Append(c);
                    if (pair) sb.Append(t[i + 1]);
                }
                else if (c == '\n') sb.Append('\n');
                if (pair) i++;
            }
            return sb.ToString();
        }

        static bool Keep(UnicodeCategory cat, char c, StringBuilder before)
        {
            if (c == '*' || c == '#' || c == '`' || c == '~' || c == '|' || c == '\\' || c == '<' || c == '>') return false;
            if (c == '\uFE0E' || c == '\uFE0F') return false;
            switch (cat)
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.DecimalDigitNumber:
                case UnicodeCategory.LetterNumber:
                case UnicodeCategory.OtherNumber:
                case UnicodeCategory.ConnectorPunctuation:
                case UnicodeCategory.DashPunctuation:
                case UnicodeCategory.OpenPunctuation:
                case UnicodeCategory.ClosePunctuation:
                case UnicodeCategory.InitialQuotePunctuation:
                case UnicodeCategory.FinalQuotePunctuation:
                case UnicodeCategory.OtherPunctuation:
                case UnicodeCategory.SpaceSeparator:
                case UnicodeCategory.CurrencySymbol:
                case UnicodeCategory.MathSymbol:
                    return true;
                case UnicodeCategory.Format:
                    // ZWNJ/ZWJ shape Persian and Indic words; elsewhere (emoji sequences) they go
                    return (c == '\u200C' || c == '\u200D') && before.Length > 0 && char.IsLetter(before[before.Length - 1]);
                default:
                    return false; // emoji and pictographs (So), modifier symbols, controls, private use, lone surrogates
            }
        }

        static string RemoveControls(string t)
        {
            var sb = new StringBuilder(t.Length);
            foreach (var c in t)
                if (c == '\n' || c == '\t' || !char.IsControl(c)) sb.Append(c);
            return sb.ToString();
        }

        /// <summary>Newlines collapse: a line that does not end a sentence gets a full stop, so the voice pauses.</summary>
        static string JoinLines(string t) => Newlines.Replace(t.Trim(), m =>
        {
            var at = m.Index - 1;
            if (at < 0) return " ";
            var prev = t[at];
            return char.IsPunctuation(prev) ? " " : ". ";
        });

        /// <summary>Cuts at a sentence or word boundary (never inside a surrogate pair), at most <paramref name="max"/> chars.</summary>
        public static string Cut(string t, int max)
        {
            if (t.Length <= max) return t;
            var limit = max - 1; // room for the ellipsis
            if (char.IsLowSurrogate(t[limit]) && limit > 0) limit--;
            var head = t.Substring(0, limit);
            var sentence = Math.Max(head.LastIndexOf(". ", StringComparison.Ordinal), Math.Max(head.LastIndexOf("! ", StringComparison.Ordinal), head.LastIndexOf("? ", StringComparison.Ordinal)));
            if (sentence >= max / 2) return head.Substring(0, sentence + 1);
            var space = head.LastIndexOf(' ');
            if (space >= max / 2) head = head.Substring(0, space);
            return head.TrimEnd() + "…";
        }

        /// <summary>A short preview of a body for logs (only ever logged with -Debug).</summary>
        public static string Preview(string? text, int max = 120)
        {
            var t = Regex.Replace(text ?? "", @"\s+", " ").Trim();
            return t.Length <= max ? t : Cut(t, max);
        }
    }
}
