using System.Text.RegularExpressions;

namespace ClawdTalk.Gateway
{
    /// <summary>
    /// The owner's and the agent's names from an OpenClaw workspace: `USER.md` ("About your human": `- **Name:** …`,
    /// `- **What to call them:** …`) and `IDENTITY.md` (`- **Name:** …`). Template placeholders such as
    /// `*(pick something you like)*` count as unset, and a name is cut before a description that follows it
    /// ("Anthony — Chief of Staff" gives "Anthony"), the published setup's known slip.
    /// </summary>
    internal static class WorkspaceNames
    {
        public const string UserFile = "USER.md", IdentityFile = "IDENTITY.md";

        // `- **Name:** x`, `**Name**: x`, `Name: x`, `* Name - x` (one field per line)
        static readonly Regex Field = new Regex(@"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?<key>[A-Za-z][A-Za-z ']*?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?<value>.*)$",
            RegexOptions.Compiled);

        /// <summary>What to call the owner: "What to call them" (or "Preferred name"), else "Name" in USER.md.</summary>
        public static string? Owner(string workspace, out string? source) =>
            Find(Path.Combine(workspace, UserFile), new[] { "what to call them", "preferred name", "call them", "name" }, out source);

        /// <summary>The agent's name: "Name" in IDENTITY.md.</summary>
        public static string? Agent(string workspace, out string? source) =>
            Find(Path.Combine(workspace, IdentityFile), new[] { "name", "agent name" }, out source);

        static string? Find(string path, string[] keys, out string? source)
        {
            source = null;
            string[] lines;
            try
            {
                if (!File.Exists(path)) return null;
                var info = new FileInfo(path);
                if (info.Length > 1024 * 1024) return null;
                lines = File.ReadAllLines(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return null; }
            var fields = lines.Select(l => Field.Match(l)).Where(m => m.Success)
                .Select(m => (Key: m.Groups["key"].Value.Trim().ToLowerInvariant(), Value: Clean(m.Groups["value"].Value))).ToList();
            foreach (var key in keys)
            {
                var hit = fields.FirstOrDefault(f => f.Key == key && f.Value != null);
                if (hit.Value != null)
                {
                    source = path;
                    return hit.Value;
                }
            }
            return null;
        }

        /// <summary>The name alone: markup removed, placeholders rejected, cut before a dash, parenthesis or comma.</summary>
        internal static string? Clean(string raw)
        {
            var s = raw.Trim();
            // a placeholder: *(…)*, _(…)_, (…), [..], <..>, or nothing
            var bare = s.Trim('*', '_', ' ', '`');
            if (bare.Length == 0 || bare.StartsWith("(", StringComparison.Ordinal) || bare.StartsWith("[", StringComparison.Ordinal)
                || bare.StartsWith("<", StringComparison.Ordinal) || bare.StartsWith("{", StringComparison.Ordinal)) return null;
            foreach (var cut in new[] { " — ", " – ", " - ", " (", ",", ";", " | ", " / " })
            {
                var i = bare.IndexOf(cut, StringComparison.Ordinal);
                if (i > 0) bare = bare.Substring(0, i);
            }
            bare = bare.Replace("**", "").Replace("__", "").Trim('*', '_', ' ', '`', '"', '\'', '.');
            if (bare.Length == 0 || bare.Length > 60) return null;
            var lower = bare.ToLowerInvariant();
            if (lower == "tbd" || lower == "todo" || lower == "unknown" || lower == "n/a" || lower == "none" || lower.Contains("your name") || lower.Contains("pick something"))
                return null;
            return bare;
        }
    }
}
