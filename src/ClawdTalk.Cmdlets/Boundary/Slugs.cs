using System.Text;

namespace ClawdTalk.Boundary
{
    /// <summary>
    /// Slugs, the keys of the mission state file: the published client's rule (lowercase, every character outside a-z0-9
    /// becomes '-', runs collapse, '-' trimmed) and its alphabet, which is also what makes a slug safe in a crontab tag,
    /// a file name (the poller's log) and a command line. A slug is checked wherever one enters: the command line, the
    /// pipeline, a state file written by another program, an import.
    /// </summary>
    internal static class Slugs
    {
        /// <summary>The longest slug: a file name (`&lt;slug&gt;.log`) stays well inside every file system's limit.</summary>
        public const int MaxLength = 128;

        /// <summary>
        /// The slug of a name. A name whose slug would be longer than <see cref="MaxLength"/> gets its first words, cut at
        /// a '-' (the published client has no limit; an entry it made with a longer slug is refused when read).
        /// </summary>
        public static string From(string? name)
        {
            var sb = new StringBuilder();
            var dash = false;
            foreach (var c in (name ?? "").ToLowerInvariant())
            {
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) { sb.Append(c); dash = false; }
                else if (!dash) { sb.Append('-'); dash = true; }
                if (sb.Length > MaxLength) break;
            }
            var slug = sb.ToString().Trim('-');
            if (slug.Length <= MaxLength) return slug;
            var cut = slug.LastIndexOf('-', MaxLength);
            return (cut > 0 ? slug.Substring(0, cut) : slug.Substring(0, MaxLength)).Trim('-');
        }

        /// <summary>True when <paramref name="slug"/> is a slug as <see cref="From"/> makes them.</summary>
        public static bool IsValid(string? slug)
        {
            if (string.IsNullOrEmpty(slug) || slug!.Length > MaxLength || slug[0] == '-' || slug[slug.Length - 1] == '-') return false;
            for (var i = 0; i < slug.Length; i++)
            {
                var c = slug[i];
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
                if (c == '-' && slug[i - 1] != '-') continue;
                return false;
            }
            return true;
        }

        /// <summary>
        /// The slug, or an InvalidSlug error that says where it came from and, when the text has a slug, which one.
        /// </summary>
        public static string Check(string? slug, string source = "-Slug")
        {
            if (IsValid(slug)) return slug!;
            var shown = OutsideText.Visible(slug ?? "");
            if (shown.Length > 80) shown = shown.Substring(0, 80) + "…";
            var suggestion = From(slug);
            var hint = slug != null && slug.Length > MaxLength
                ? $" It is longer than {MaxLength} characters."
                : suggestion.Length > 0 && suggestion != slug && OutsideText.IsClean(slug) ? $" Did you mean '{suggestion}'?" : "";
            throw Errors.Invalid(ErrorIds.InvalidSlug,
                $"{source} '{shown}' is not a mission slug: slugs are lowercase letters, digits and single hyphens, at most {MaxLength} characters.{hint}",
                shown);
        }
    }

    /// <summary>
    /// Ids of the service's objects (missions, runs, steps, assistants, events, calls…) as they enter from the command
    /// line, the pipeline or a state file: one to 200 characters with no space and no control character. They travel in
    /// request paths percent-encoded (ApiText.Segment), so this rule is about what a person sees and what is stored.
    /// </summary>
    internal static class Ids
    {
        public const int MaxLength = 200;

        public static bool IsValid(string? id)
        {
            if (string.IsNullOrEmpty(id) || id!.Length > MaxLength) return false;
            foreach (var c in id)
                if (char.IsWhiteSpace(c) || OutsideText.IsControl(c) || c < 0x20) return false;
            return true;
        }

        public static string Check(string? id, string what)
        {
            if (IsValid(id)) return id!;
            var shown = OutsideText.Visible(id ?? "");
            if (shown.Length > 80) shown = shown.Substring(0, 80) + "…";
            throw Errors.Invalid(ErrorIds.InvalidId,
                $"{what} '{shown}' is not an id: ids have 1 to {MaxLength} characters, no spaces and no control characters.", shown);
        }
    }
}
