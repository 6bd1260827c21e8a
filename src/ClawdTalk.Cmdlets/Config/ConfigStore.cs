using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Config
{
    /// <summary>Where the module keeps its files: one folder under the user's profile, each file overridable by env var.</summary>
    internal static class ModulePaths
    {
        public const string ConfigEnv = "CLAWDTALK_CONFIG";
        public const string StateEnv = "CLAWDTALK_STATE";

        public static string BaseDirectory
        {
            get
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "ClawdTalk");
                var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".config") : xdg!, "clawdtalk");
            }
        }

        public static string ConfigFile => Env(ConfigEnv) ?? Path.Combine(BaseDirectory, "skill-config.json");
        public static string StateFile => Env(StateEnv) ?? Path.Combine(BaseDirectory, "missions_state.json");

        static string? Env(string name)
        {
            var v = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(v) ? null : v;
        }
    }

    /// <summary>
    /// The published client's `skill-config.json`: read tolerant of missing files, written atomically (0600) under the
    /// file lock, with every key we do not know kept as it was. `${NAME}` values are resolved only at use.
    /// </summary>
    internal static class ConfigStore
    {
        static readonly Regex EnvReference = new Regex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.Compiled);

        public static JObject Read(string path)
        {
            if (Directory.Exists(path))
                throw Errors.Terminating(ErrorIds.ConfigUnreadable, ErrorCategory.ReadError, $"The configuration path {path} is a folder, not a file.", path);
            string? text;
            try { text = Links.ReadText(path, 1024 * 1024, "The configuration file"); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Errors.Terminating(ErrorIds.ConfigUnreadable, ErrorCategory.ReadError, $"The configuration file {path} cannot be read: {ex.Message}", path, ex);
            }
            if (string.IsNullOrWhiteSpace(text)) return new JObject();
            JToken token;
            try { token = Json.Parse(text!); }
            catch (JsonException ex)
            {
                throw Errors.Terminating(ErrorIds.ConfigInvalid, ErrorCategory.ParserError,
                    $"The configuration file {path} is not valid JSON (line {(ex is JsonReaderException r ? r.LineNumber : 0)}). Fix or remove it; nothing was changed.", path, ex);
            }
            if (!(token is JObject o))
                throw Errors.Terminating(ErrorIds.ConfigInvalid, ErrorCategory.ParserError, $"The configuration file {path} must hold a JSON object.", path);
            return o;
        }

        /// <summary>Re-reads the file under the lock, applies the change and writes it back atomically.</summary>
        public static JObject Update(string path, Action<JObject> change)
        {
            using (FileLock.Acquire(path, TimeSpan.FromSeconds(10)))
            {
                var config = Read(path);
                change(config);
                AtomicFile.WriteAllText(path, config.ToString(Formatting.Indented) + "\n");
                return config;
            }
        }

        public static bool IsReference(string? value, out string name)
        {
            var m = value == null ? null : EnvReference.Match(value);
            name = m != null && m.Success ? m.Groups[1].Value : "";
            return name.Length > 0;
        }

        /// <summary>The value of a config key with a `${NAME}` reference resolved from the environment; null when absent.</summary>
        public static string? Resolve(JObject config, string key, string path)
        {
            var raw = config[key];
            if (raw == null || raw.Type == JTokenType.Null) return null;
            var value = raw.Type == JTokenType.String ? (string?)raw : raw.ToString(Formatting.None);
            if (string.IsNullOrEmpty(value)) return null;
            if (IsReference(value, out var name))
            {
                var resolved = Environment.GetEnvironmentVariable(name);
                if (string.IsNullOrEmpty(resolved))
                    throw Errors.Terminating(ErrorIds.ConfigReferenceUnset, ErrorCategory.InvalidData,
                        $"The configuration key '{key}' in {path} refers to the environment variable {name}, which is not set.", key);
                return resolved;
            }
            return value;
        }
    }
}
