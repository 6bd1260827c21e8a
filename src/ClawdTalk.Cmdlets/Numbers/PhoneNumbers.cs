using LibPhoneNumber = global::PhoneNumbers.PhoneNumber;
using NumberFormat = global::PhoneNumbers.PhoneNumberFormat;
using NumberParseException = global::PhoneNumbers.NumberParseException;
using PhoneNumberUtil = global::PhoneNumbers.PhoneNumberUtil;
using TimeZonesMapper = global::PhoneNumbers.PhoneNumberToTimeZonesMapper;

namespace ClawdTalk.Numbers
{
    /// <summary>
    /// The module's one phone number rule, on libphonenumber (Google's metadata), shared by every cmdlet that calls or texts
    /// a number and by the outreach time windows. The class is named E164 (not PhoneNumbers) so that it never shadows the
    /// library's own <c>PhoneNumbers</c> namespace.
    /// <para>The rule:</para>
    /// <list type="bullet">
    /// <item>Input is an international number with its country code: a leading <c>+</c> (or <c>tel:+</c>), then digits,
    /// optionally grouped with spaces, dashes, dots, slashes or parentheses (<c>+1 (212) 555-0100</c>). No letters, no
    /// extension, no national-only form (<c>212 555 0100</c>): the country would be a guess.</item>
    /// <item><see cref="Strictness.Valid"/> (everything that calls or texts): libphonenumber must consider the number
    /// valid, i.e. assignable in its region's numbering plan. NANP numbers with the fictional area code 555
    /// (<c>+1 555 …</c>) are invalid; the 555-01xx exchange inside a real area code (<c>+1 212 555 0100</c>) is valid.</item>
    /// <item><see cref="Strictness.Possible"/> (filters such as Get-ClawdTalkMessage -Contact): the length must be possible
    /// for the country code, so numbers the service reports (including +1 555 test numbers) can still be looked up.</item>
    /// </list>
    /// The result is E.164: <c>+</c>, country code and national number, digits only.
    /// </summary>
    internal static class E164
    {
        internal enum Strictness { Valid, Possible }

        static readonly Lazy<PhoneNumberUtil> Util = new Lazy<PhoneNumberUtil>(PhoneNumberUtil.GetInstance);
        static readonly Lazy<TimeZonesMapper> Zones = new Lazy<TimeZonesMapper>(TimeZonesMapper.GetInstance);

        const string Example = "+1 212 555 0100";

        /// <summary>Returns the E.164 form or throws ClawdTalkException "InvalidPhoneNumber" (InvalidArgument) naming what is wrong.</summary>
        public static string Normalize(string? input, string what = "phone number", Strictness strictness = Strictness.Valid)
        {
            if (TryNormalize(input, out var e164, out var problem, strictness)) return e164;
            throw new ClawdTalkException(ErrorIds.InvalidPhoneNumber, ErrorCategory.InvalidArgument, $"The {what} '{input}' is not usable: {problem}", input)
            {
                RecommendedAction = $"Give the number in international form with its country code, like {Example}.",
            };
        }

        /// <summary>
        /// Whether <paramref name="s"/> is written in E.164 form: <c>+</c>, a non-zero digit, 7 to 15 digits in all, nothing
        /// else. A number this module stored itself is, so a comparison can take it as it is instead of parsing it again.
        /// </summary>
        public static bool IsCanonical(string? s)
        {
            if (s == null || s.Length < 8 || s.Length > 16 || s[0] != '+' || s[1] == '0') return false;
            for (var i = 1; i < s.Length; i++) if (s[i] < '0' || s[i] > '9') return false;
            return true;
        }

        public static bool TryNormalize(string? input, out string e164, Strictness strictness = Strictness.Valid) =>
            TryNormalize(input, out e164, out _, strictness);

        public static bool TryNormalize(string? input, out string e164, out string problem, Strictness strictness = Strictness.Valid)
        {
            e164 = "";
            if (!TryParse(input, out var number, out problem)) return false;
            var util = Util.Value;
            if (strictness == Strictness.Valid && !util.IsValidNumber(number))
            {
                problem = util.IsPossibleNumber(number)
                    ? "it is not a valid number in its country's numbering plan (+1 555 area-code numbers are fictional)"
                    : "it has the wrong number of digits for its country code";
                return false;
            }
            if (strictness == Strictness.Possible && !util.IsPossibleNumber(number))
            {
                problem = "it has the wrong number of digits for its country code";
                return false;
            }
            e164 = util.Format(number, NumberFormat.E164);
            return true;
        }

        /// <summary>The IANA time zones of the number's area (one for most numbers, several for large regions); empty when unknown.</summary>
        public static IReadOnlyList<string> TimeZones(string number)
        {
            if (!TryParse(number, out var parsed, out var problem) || !Util.Value.IsPossibleNumber(parsed))
                throw new ClawdTalkException(ErrorIds.InvalidPhoneNumber, ErrorCategory.InvalidArgument, $"The phone number '{number}' is not usable: {problem ?? "wrong length"}", number);
            return Zones.Value.GetTimeZonesForNumber(parsed)
                .Where(z => !string.Equals(z, "Etc/Unknown", StringComparison.Ordinal))
                .ToArray();
        }

        /// <summary>The ISO 3166 region of a valid number ("US", "GB"), or null when it has none (non-geographic, invalid).</summary>
        public static string? Region(string number)
        {
            if (!TryParse(number, out var parsed, out _)) return null;
            var region = Util.Value.GetRegionCodeForNumber(parsed);
            return string.IsNullOrEmpty(region) || region == "ZZ" || region == "001" ? null : region;
        }

        static bool TryParse(string? input, out LibPhoneNumber number, out string problem)
        {
            number = null!;
            problem = "";
            var text = (input ?? "").Trim();
            if (text.Length == 0) { problem = "it is empty"; return false; }
            if (text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) text = text.Substring(4).Trim();
            if (text.Length > 40) { problem = "it is too long"; return false; }
            if (!text.StartsWith("+", StringComparison.Ordinal))
            {
                problem = "it has no country code (it must start with +)";
                return false;
            }
            foreach (var c in text.Substring(1))
            {
                if (char.IsDigit(c) && c <= '9' && c >= '0') continue;
                if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\u00A0') continue;
                problem = char.IsLetter(c) ? "it contains letters (extensions and vanity numbers are not accepted)" : $"it contains the character '{c}'";
                return false;
            }
            try
            {
                number = Util.Value.Parse(text, null);
            }
            catch (NumberParseException ex)
            {
                problem = ex.ErrorType switch
                {
                    global::PhoneNumbers.ErrorType.INVALID_COUNTRY_CODE => "its country code does not exist",
                    global::PhoneNumbers.ErrorType.TOO_SHORT_NSN or global::PhoneNumbers.ErrorType.TOO_SHORT_AFTER_IDD => "it is too short",
                    global::PhoneNumbers.ErrorType.TOO_LONG => "it is too long",
                    _ => "it is not a phone number",
                };
                return false;
            }
            if (number.HasExtension) { problem = "it has an extension"; return false; }
            return true;
        }
    }
}
