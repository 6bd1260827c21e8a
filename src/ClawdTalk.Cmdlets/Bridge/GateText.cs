using System.Text;
using System.Text.RegularExpressions;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// What the approval gate reads: a request's text in the forms a trick may hide a word in. <see cref="Plain"/> is the
    /// text in Unicode compatibility form (NFKC: fullwidth and mathematical letters become plain ones), without invisible
    /// format characters (zero-width spaces, soft hyphens, direction marks), with the letters of other scripts that look
    /// like Latin ones (Cyrillic "е", Greek "Ρ") read as those Latin letters, lower case, without accents (ß is ss), and
    /// with its apostrophes and spaces made plain. <see cref="Unmasked"/> also joins words spelt letter by letter
    /// ("d e l e t e", "w.i.p.e") and reads digits and symbols inside words as the letters they stand for ("er4se").
    /// The gate reads both and asks when either names a sensitive action.
    /// </summary>
    internal sealed class GateText
    {
        GateText(string plain, string unmasked)
        {
            Plain = plain;
            Unmasked = unmasked;
        }

        public string Plain { get; }
        public string Unmasked { get; }

        /// <summary>The forms to read (one when unmasking changed nothing).</summary>
        public IEnumerable<string> Forms
        {
            get
            {
                yield return Plain;
                if (!string.Equals(Unmasked, Plain, StringComparison.Ordinal)) yield return Unmasked;
            }
        }

        public static GateText Of(string? text)
        {
            var plain = Fold(text ?? "");
            return new GateText(plain, Unmask(plain));
        }

        // Letters of other scripts that look like Latin ones, after NFKC and lower-casing. Written by hand from the
        // Cyrillic, Greek, Armenian and Latin-extended rows of Unicode's confusables data (TR39), because no library of
        // that data is reachable here; AnyAscii-style transliteration would read Cyrillic "р" as "r", not the "p" it shows.
        static readonly Dictionary<char, string> Confusable = new Dictionary<char, string>
        {
            // Cyrillic
            ['а'] = "a", ['в'] = "b", ['г'] = "r", ['е'] = "e", ['ё'] = "e", ['з'] = "3", ['и'] = "u", ['к'] = "k", ['м'] = "m", ['н'] = "h",
            ['о'] = "o", ['п'] = "n", ['р'] = "p", ['с'] = "c", ['т'] = "t", ['у'] = "y", ['х'] = "x", ['ь'] = "b", ['ѕ'] = "s", ['і'] = "i",
            ['ї'] = "i", ['ј'] = "j", ['ԁ'] = "d", ['ӏ'] = "l", ['ԛ'] = "q", ['ԝ'] = "w", ['һ'] = "h", ['ɡ'] = "g", ['ѵ'] = "v", ['ү'] = "y",
            ['ӧ'] = "o", ['ӓ'] = "a", ['ө'] = "o", ['ҽ'] = "e", ['ԍ'] = "g", ['ђ'] = "h", ['ћ'] = "h", ['ѡ'] = "w", ['џ'] = "u", ['ш'] = "w",
            // Greek
            ['α'] = "a", ['β'] = "b", ['γ'] = "y", ['δ'] = "d", ['ε'] = "e", ['ζ'] = "z", ['η'] = "n", ['ι'] = "i", ['κ'] = "k", ['ν'] = "v",
            ['ο'] = "o", ['ρ'] = "p", ['σ'] = "o", ['ς'] = "c", ['τ'] = "t", ['υ'] = "u", ['χ'] = "x", ['ω'] = "w", ['ϲ'] = "c", ['ϳ'] = "j",
            ['ά'] = "a", ['έ'] = "e", ['ή'] = "n", ['ί'] = "i", ['ό'] = "o", ['ύ'] = "u", ['ώ'] = "w", ['μ'] = "u",
            // Armenian
            ['օ'] = "o", ['ս'] = "u", ['ո'] = "n", ['հ'] = "h", ['ց'] = "g", ['զ'] = "q", ['ա'] = "w",
            // Latin extended and IPA
            ['ı'] = "i", ['ȷ'] = "j", ['ɑ'] = "a", ['ɩ'] = "i", ['ʟ'] = "l", ['ɪ'] = "i", ['ʀ'] = "r", ['ꜱ'] = "s", ['ᴅ'] = "d", ['ᴇ'] = "e",
            ['ᴛ'] = "t", ['ᴏ'] = "o", ['ᴘ'] = "p", ['ᴄ'] = "c", ['ᴡ'] = "w", ['ʏ'] = "y", ['ɴ'] = "n", ['ᴍ'] = "m", ['ᴋ'] = "k", ['ʜ'] = "h",
            ['ƅ'] = "b", ['ɗ'] = "d", ['ł'] = "l", ['ø'] = "o", ['đ'] = "d", ['ħ'] = "h", ['ŀ'] = "l",
            // letters accents and ligatures do not reduce to
            ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['ﬀ'] = "ff", ['ﬁ'] = "fi", ['ﬂ'] = "fl", ['ĳ'] = "ij",
            // punctuation that stands for plain punctuation
            ['\u2018'] = "'", ['\u2019'] = "'", ['\u02bc'] = "'", ['\u2032'] = "'", ['`'] = "'", ['\u00b4'] = "'",
            ['\u201c'] = "\"", ['\u201d'] = "\"", ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "-", ['\u2212'] = "-",
        };

        static string Fold(string text)
        {
            var nfkc = text.Normalize(NormalizationForm.FormKC);
            var sb = new StringBuilder(nfkc.Length);
            foreach (var ch in nfkc)
            {
                var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
                if (cat == UnicodeCategory.Format) continue; // zero-width characters, soft hyphens, direction marks
                if (cat == UnicodeCategory.Control && ch != '\n' && ch != '\t') { sb.Append(' '); continue; }
                var lower = char.ToLowerInvariant(ch);
                if (Confusable.TryGetValue(lower, out var latin)) sb.Append(latin);
                else sb.Append(lower);
            }
            // accents off: decompose and drop the combining marks
            var decomposed = sb.ToString().Normalize(NormalizationForm.FormD);
            var bare = new StringBuilder(decomposed.Length);
            foreach (var ch in decomposed)
                if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) bare.Append(ch);
            var s = bare.ToString().Normalize(NormalizationForm.FormC);
            s = Regex.Replace(s, @"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ");
            return s.Trim();
        }

        // three or more single letters with separators between them: "d e l e t e", "d-e-l-e-t-e", "w.i.p.e"
        static readonly Regex Spelled = new Regex(@"(?<![\p{L}\p{N}])\p{L}(?:[ .\-_*·/|]{1,3}\p{L}(?![\p{L}\p{N}])){2,}", RegexOptions.CultureInvariant);
        // a word that mixes letters with digits or symbols standing for letters: "er4se", "pa$$word", "d3lete"
        static readonly Regex Leet = new Regex(@"(?<![\p{L}\p{N}])(?=[\p{L}\p{N}@$!|]*\p{L})(?=[\p{L}\p{N}@$!|]*[0-9@$!|])[\p{L}\p{N}@$!|]{3,}(?![\p{L}\p{N}])", RegexOptions.CultureInvariant);

        static string Unmask(string plain)
        {
            var joined = Spelled.Replace(plain, m => Regex.Replace(m.Value, @"[^\p{L}]", ""));
            return Leet.Replace(joined, m =>
            {
                var sb = new StringBuilder(m.Length);
                foreach (var ch in m.Value)
                    sb.Append(ch switch { '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '8' => 'b', '@' => 'a', '$' => 's', '!' => 'i', '|' => 'l', _ => ch });
                return sb.ToString();
            });
        }
    }
}
