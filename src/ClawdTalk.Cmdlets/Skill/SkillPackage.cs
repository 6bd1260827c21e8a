using System.Runtime.InteropServices;
using ClawdTalk.Boundary;
using ClawdTalk.Gateway;
using ClawdTalk.IO;

namespace ClawdTalk.Skill
{
    /// <summary>
    /// An extracted skill package (`artifacts/ClawdTalk-&lt;version&gt;.zip`): SKILL.md and README.md at its root, beside the
    /// module folder `ClawdTalk/&lt;version&gt;/`.
    /// </summary>
    internal sealed class SkillPackage
    {
        /// <summary>The files of the skill itself, copied to the agent's workspace (nothing else of the skill's folder is touched).</summary>
        public static readonly string[] SkillFiles = { "SKILL.md", "README.md" };
        public const string ModuleName = "ClawdTalk";
        /// <summary>The name in SKILL.md's frontmatter, and so the skill's folder in a workspace.</summary>
        public const string SkillName = "clawdtalk";

        SkillPackage(string folder, string name, string version, string moduleFolder)
        {
            Folder = folder; Name = name; Version = version; ModuleFolder = moduleFolder;
        }

        public string Folder { get; }
        /// <summary>The skill's name (SKILL.md's `name`): its folder under the workspace's `skills/`.</summary>
        public string Name { get; }
        public string Version { get; }
        /// <summary>`ClawdTalk/&lt;version&gt;` inside the package.</summary>
        public string ModuleFolder { get; }

        /// <summary>The package a module was imported from: two levels above its folder, when SKILL.md is there.</summary>
        public static string? Around(string moduleBase)
        {
            var up = Directory.GetParent(Path.GetFullPath(moduleBase).TrimEnd(Path.DirectorySeparatorChar))?.Parent?.FullName;
            return up != null && File.Exists(Path.Combine(up, "SKILL.md")) ? up : null;
        }

        public static SkillPackage Open(string folder)
        {
            var skill = Path.Combine(folder, "SKILL.md");
            string? text;
            try { text = Links.ReadText(skill, 1024 * 1024, "The skill's SKILL.md"); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { throw Invalid(folder, ex.Message); }
            if (text == null)
                throw new ClawdTalkException(ErrorIds.SkillPackageNotFound, ErrorCategory.ObjectNotFound,
                    $"{folder} is not an extracted ClawdTalk package: it has no SKILL.md.", folder)
                { Terminating = true, RecommendedAction = "Give -Path the folder the package (ClawdTalk-<version>.zip) was extracted to: the one holding SKILL.md and the ClawdTalk folder." };
            var fields = Frontmatter(text);
            fields.TryGetValue("name", out var name);
            fields.TryGetValue("version", out var version);
            if (!Slugs.IsValid(name)) throw Invalid(folder, "SKILL.md has no valid `name` in its frontmatter");
            if (string.IsNullOrEmpty(version) || !System.Version.TryParse(version, out _)) throw Invalid(folder, "SKILL.md has no valid `version` in its frontmatter");
            var module = Path.Combine(folder, ModuleName, version!);
            if (!File.Exists(Path.Combine(module, ModuleName + ".psd1")))
                throw Invalid(folder, $"it has no module folder {ModuleName}/{version}/ with {ModuleName}.psd1");
            return new SkillPackage(Path.GetFullPath(folder), name!, version!, module);
        }

        static ClawdTalkException Invalid(string folder, string why) =>
            new ClawdTalkException(ErrorIds.SkillPackageInvalid, ErrorCategory.InvalidData, $"{folder} is not a usable ClawdTalk package: {why}.", folder)
            { Terminating = true, RecommendedAction = "Extract ClawdTalk-<version>.zip again into an empty folder and give that folder to -Path." };

        /// <summary>
        /// The top-level `key: value` pairs of a Markdown file's YAML frontmatter (between the first two `---` lines). Written
        /// by hand: only scalar values are read (quotes removed), which is all the installer needs (`name`, `version`); a
        /// full YAML library would be a dependency for two fields.
        /// </summary>
        public static Dictionary<string, string> Frontmatter(string text)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var lines = text.Replace("\r\n", "\n").Split('\n');
            if (lines.Length == 0 || lines[0].Trim() != "---") return fields;
            for (var i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
            {
                var line = lines[i];
                if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line.StartsWith("#", StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var value = line.Substring(colon + 1).Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0]) value = value.Substring(1, value.Length - 2);
                fields[line.Substring(0, colon).Trim()] = value;
            }
            return fields;
        }
    }

    /// <summary>Where the installer puts things: the user's module folder and the agent's workspace.</summary>
    internal static class SkillPlaces
    {
        /// <summary>
        /// The user's own module folder, the first of PowerShell's module path (CurrentUser scope): on Linux and macOS
        /// `$XDG_DATA_HOME/powershell/Modules` (default `~/.local/share/powershell/Modules`); on Windows
        /// `Documents\PowerShell\Modules` (Windows PowerShell: `Documents\WindowsPowerShell\Modules`).
        /// </summary>
        public static string UserModules()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.MyDocuments),
                    Pollers.PollerSchedulers.IsDesktopEdition ? "WindowsPowerShell" : "PowerShell", "Modules");
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var data = string.IsNullOrEmpty(xdg) ? Path.Combine(GatewayConfigFile.Home, ".local", "share") : xdg!;
            return Path.Combine(data, "powershell", "Modules");
        }

        /// <summary>
        /// The agent's workspace, as the published setup.sh finds it: the main agent's `workspace` in the gateway's config
        /// (`~/.openclaw/openclaw.json`, or `~/.clawdbot/clawdbot.json`; $OPENCLAW_CONFIG_PATH first), else
        /// `agents.defaults.workspace`, else the gateway's default (`~/.openclaw/workspace`). Returns where it came from too.
        /// </summary>
        public static (string workspace, string source) Workspace()
        {
            var path = GatewayConfigFile.Locate();
            if (File.Exists(path))
            {
                var (_, workspace) = GatewayConfigFile.Load(path).MainAgent();
                return (workspace, path);
            }
            return (Path.Combine(GatewayConfigFile.Home, ".openclaw", "workspace"), "OpenClaw's default (no gateway config found)");
        }

        /// <summary>`&lt;workspace&gt;/skills/&lt;name&gt;`: where OpenClaw loads a workspace's skills from (highest precedence).</summary>
        public static string SkillFolder(string workspace, string name) =>
            SinkText.FileIn(Path.Combine(workspace, "skills"), name, "the skill's folder");
    }

    /// <summary>Copies files only when their content differs, each one atomically and never through a link.</summary>
    internal static class FileSync
    {
        /// <summary>The files of <paramref name="source"/> (relative paths) whose copy in <paramref name="target"/> is missing or different.</summary>
        public static List<string> Differing(string source, string target, IEnumerable<string>? only = null)
        {
            var names = only?.Where(n => File.Exists(Path.Combine(source, n)))
                        ?? Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Select(f => Relative(source, f));
            return names.Where(n => !Same(Path.Combine(source, n), Path.Combine(target, n))).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }

        static string Relative(string root, string file) => file.Substring(root.TrimEnd(Path.DirectorySeparatorChar).Length + 1);

        static bool Same(string a, string b)
        {
            var fb = new FileInfo(b);
            if (!fb.Exists || Links.IsLink(b)) return false;
            var fa = new FileInfo(a);
            if (fa.Length != fb.Length) return false;
            byte[] x = File.ReadAllBytes(a), y = File.ReadAllBytes(b);
            for (var i = 0; i < x.Length; i++) if (x[i] != y[i]) return false;
            return true;
        }

        public static void Copy(string source, string target, IEnumerable<string> names)
        {
            foreach (var n in names) AtomicFile.WriteAllBytes(Path.Combine(target, n), File.ReadAllBytes(Path.Combine(source, n)));
        }
    }
}
