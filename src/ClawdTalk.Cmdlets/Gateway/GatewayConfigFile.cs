using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Gateway
{
    /// <summary>
    /// The agent gateway's own configuration file: `~/.openclaw/openclaw.json` (OpenClaw) or `~/.clawdbot/clawdbot.json`
    /// (Clawdbot), JSON5 (comments and trailing commas allowed). Read for what the bridge needs (port, token, main agent,
    /// workspace, tool policy) and changed only by small insertions into its text (see <see cref="JsonTextEdit"/>).
    /// </summary>
    internal sealed class GatewayConfigFile
    {
        public const int DefaultPort = 18789;
        public const string PathEnv = "OPENCLAW_CONFIG_PATH";
        public const string ClawdbotPathEnv = "CLAWDBOT_CONFIG_PATH";
        public const string SessionsSend = "sessions_send";

        GatewayConfigFile(string path, string text, JObject json, bool bom)
        {
            Path = path;
            Text = text;
            Json = json;
            Bom = bom;
        }

        public string Path { get; }
        /// <summary>The text as read (without a byte order mark).</summary>
        public string Text { get; }
        public JObject Json { get; }
        public bool Bom { get; }

        public string Kind => KindOf(Path);

        public static string KindOf(string path) =>
            System.IO.Path.GetFileName(path).StartsWith("clawdbot", StringComparison.OrdinalIgnoreCase) ? "Clawdbot" : "OpenClaw";

        // ---- where ----

        public static string Home
        {
            get
            {
                var home = Environment.GetEnvironmentVariable(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "USERPROFILE" : "HOME");
                return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home!;
            }
        }

        /// <summary>The places looked at, in order: $OPENCLAW_CONFIG_PATH, $CLAWDBOT_CONFIG_PATH, ~/.openclaw/openclaw.json, ~/.clawdbot/clawdbot.json.</summary>
        public static IReadOnlyList<string> Candidates()
        {
            var list = new List<string>();
            foreach (var env in new[] { PathEnv, ClawdbotPathEnv })
            {
                var v = Environment.GetEnvironmentVariable(env);
                if (!string.IsNullOrWhiteSpace(v)) list.Add(ExpandHome(v!.Trim()));
            }
            list.Add(System.IO.Path.Combine(Home, ".openclaw", "openclaw.json"));
            list.Add(System.IO.Path.Combine(Home, ".clawdbot", "clawdbot.json"));
            return list;
        }

        /// <summary>
        /// The gateway config to use: $OPENCLAW_CONFIG_PATH (or $CLAWDBOT_CONFIG_PATH) when set, whether or not it exists
        /// (an explicit choice is never second-guessed); else the first of the home locations that exists, else ~/.openclaw/openclaw.json.
        /// </summary>
        public static string Locate()
        {
            foreach (var env in new[] { PathEnv, ClawdbotPathEnv })
            {
                var v = Environment.GetEnvironmentVariable(env);
                if (!string.IsNullOrWhiteSpace(v)) return ExpandHome(v!.Trim());
            }
            var candidates = Candidates();
            return candidates.FirstOrDefault(File.Exists) ?? candidates[0];
        }

        public static string ExpandHome(string path)
        {
            if (path == "~") return Home;
            if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
                return System.IO.Path.Combine(Home, path.Substring(2));
            return path;
        }

        // ---- reading ----

        static readonly JsonLoadSettings LoadSettings = new JsonLoadSettings
        {
            CommentHandling = CommentHandling.Ignore,
            DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Replace,
            LineInfoHandling = LineInfoHandling.Ignore,
        };

        /// <summary>Parses JSON5-ish text (comments, trailing commas, single quotes, unquoted keys) as Newtonsoft reads it.</summary>
        public static JToken ParseLenient(string text)
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, MaxDepth = 128 };
            var token = JToken.ReadFrom(reader, LoadSettings);
            while (reader.Read())
                if (reader.TokenType != JsonToken.Comment) throw new JsonReaderException("Additional text after the JSON value.");
            return token;
        }

        /// <summary>The same file with other text (after a change), for a further change.</summary>
        public GatewayConfigFile WithText(string text) => new GatewayConfigFile(Path, text, (JObject)ParseLenient(text), Bom);

        /// <summary>Reads and parses the file; a file that is not a JSON object is a GatewayConfigInvalid error.</summary>
        public static GatewayConfigFile Load(string path)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (FileNotFoundException ex) { throw NotFound(path, ex); }
            catch (DirectoryNotFoundException ex) { throw NotFound(path, ex); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ClawdTalkException(ErrorIds.GatewayConfigUnreadable, ErrorCategory.ReadError, $"The gateway config {path} cannot be read: {ex.Message}", path, ex);
            }
            var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
            string text;
            try { text = new UTF8Encoding(false, true).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0)); }
            catch (DecoderFallbackException ex) { throw Invalid(path, "it is not UTF-8 text", ex); }
            JToken token;
            try { token = ParseLenient(text); }
            catch (JsonException ex)
            {
                var where = ex is JsonReaderException r && r.LineNumber > 0 ? $" at line {r.LineNumber}, position {r.LinePosition}" : "";
                throw Invalid(path, $"it is not valid JSON{where}: {FirstSentence(ex.Message)}", ex);
            }
            if (!(token is JObject o)) throw Invalid(path, "it must hold a JSON object", null);
            return new GatewayConfigFile(path, text, o, bom);
        }

        static string FirstSentence(string message)
        {
            var i = message.IndexOf(". Path", StringComparison.Ordinal);
            return i > 0 ? message.Substring(0, i + 1) : message;
        }

        public static ClawdTalkException NotFound(string path, Exception? inner = null) =>
            new ClawdTalkException(ErrorIds.GatewayConfigNotFound, ErrorCategory.ObjectNotFound,
                $"There is no gateway config at {path}.", path, inner)
            { RecommendedAction = "Give -Path, set OPENCLAW_CONFIG_PATH, or run the gateway's setup (openclaw onboard) first." };

        static ClawdTalkException Invalid(string path, string why, Exception? inner) =>
            new ClawdTalkException(ErrorIds.GatewayConfigInvalid, ErrorCategory.ParserError,
                $"The gateway config {path} cannot be used: {why}. It was not changed.", path, inner)
            { RecommendedAction = "Fix the file (openclaw doctor helps), then run the command again." };

        static JObject? Obj(JToken? t) => t as JObject;

        public JObject? Gateway => Obj(Json["gateway"]);

        public int Port
        {
            get
            {
                var p = Gateway?["port"];
                if (p != null && (p.Type == JTokenType.Integer || p.Type == JTokenType.String)
                    && int.TryParse(p.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port)
                    && port > 0 && port < 65536) return port;
                return DefaultPort;
            }
        }

        /// <summary>`gateway.auth.token` as written (may be a `${VAR}` reference); never shown.</summary>
        public string? TokenRaw => Str(Obj(Gateway?["auth"])?["token"]);

        public IReadOnlyList<string> GatewayAllow => Strings(Obj(Gateway?["tools"])?["allow"]);

        public IReadOnlyList<string> GatewayDeny => Strings(Obj(Gateway?["tools"])?["deny"]);

        public IReadOnlyList<string> TopLevelAllow => Strings(Obj(Json["tools"])?["allow"]);

        static string? Str(JToken? t) => t != null && t.Type == JTokenType.String ? (string?)t : null;

        static IReadOnlyList<string> Strings(JToken? t) =>
            t is JArray a ? a.Where(x => x.Type == JTokenType.String).Select(x => (string)x!).ToList() : (IReadOnlyList<string>)Array.Empty<string>();

        /// <summary>
        /// The main agent: the `agents.list[]` entry marked `default`, else the first (as the bridge picks it); its
        /// workspace, else `agents.defaults.workspace`, else the gateway's default (`~/.openclaw/workspace`, Clawdbot `~/clawd`).
        /// </summary>
        public (string Id, string Workspace) MainAgent()
        {
            var agents = Obj(Json["agents"]);
            var list = (agents?["list"] as JArray)?.OfType<JObject>().ToList() ?? new List<JObject>();
            var main = list.FirstOrDefault(a => a["default"]?.Type == JTokenType.Boolean && (bool)a["default"]!)
                       ?? list.FirstOrDefault();
            var id = Str(main?["id"]);
            var workspace = Str(main?["workspace"]) ?? Str(Obj(agents?["defaults"])?["workspace"]);
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            workspace = workspace == null
                ? (Kind == "Clawdbot" ? System.IO.Path.Combine(Home, "clawd") : System.IO.Path.Combine(dir, "workspace"))
                : ResolvePath(ExpandEnv(workspace), dir);
            return (string.IsNullOrWhiteSpace(id) ? "main" : id!, workspace);
        }

        static readonly Regex EnvRef = new Regex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.Compiled);

        /// <summary>`${VAR}` substitution as the gateway does it (unset variables are left as written).</summary>
        public static string ExpandEnv(string s) =>
            EnvRef.Replace(s, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is string v && v.Length > 0 ? v : m.Value);

        public static bool IsUnresolvedReference(string s) => EnvRef.IsMatch(ExpandEnv(s));

        static string ResolvePath(string p, string baseDir)
        {
            p = ExpandHome(p);
            return System.IO.Path.IsPathRooted(p) ? p : System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, p));
        }

        // ---- changing ----

        /// <summary>
        /// The file's text with <paramref name="tool"/> added to `gateway.tools.allow` (creating `gateway`, `tools` and
        /// `allow` as needed), or null when it is already there. Never touches the top-level `tools.allow`. The result is
        /// parsed again and must equal the old content plus exactly that one change.
        /// </summary>
        public string? WithGatewayTool(string tool)
        {
            if (GatewayAllow.Contains(tool, StringComparer.Ordinal)) return null;
            JsonTextMap map;
            try { map = JsonTextMap.Parse(Text); }
            catch (FormatException ex) { throw Invalid(Path, "its layout could not be followed: " + ex.Message, ex); }
            if (!(map.Root is JsonTextMap.ObjectNode root)) throw Invalid(Path, "it must hold a JSON object", null);

            var text = Text;
            var str = FirstStringQuote(root) == '\'' ? '\'' : '"';
            var gateway = root.Find("gateway");
            if (gateway == null)
                text = JsonTextEdit.AppendMember(text, root, "gateway", (indent, q) => Nested(Text, root, indent, q, str, new[] { "tools", "allow" }, tool));
            else if (!(gateway.Value is JsonTextMap.ObjectNode gw)) throw Unexpected("gateway", "an object");
            else
            {
                var tools = gw.Find("tools");
                if (tools == null)
                    text = JsonTextEdit.AppendMember(text, gw, "tools", (indent, q) => Nested(Text, gw, indent, q, str, new[] { "allow" }, tool));
                else if (!(tools.Value is JsonTextMap.ObjectNode t)) throw Unexpected("gateway.tools", "an object");
                else
                {
                    var allow = t.Find("allow");
                    if (allow == null)
                        text = JsonTextEdit.AppendMember(text, t, "allow", (indent, q) => ArrayOf(tool, str));
                    else if (!(allow.Value is JsonTextMap.ArrayNode list)) throw Unexpected("gateway.tools.allow", "a list");
                    else
                    {
                        var quote = list.Items.OfType<JsonTextMap.ValueNode>().Select(v => v.Quote).FirstOrDefault(c => c != '\0');
                        text = JsonTextEdit.AppendItem(text, list, JsonTextEdit.Quote(tool, quote == '\0' ? str : quote));
                    }
                }
            }

            // the safety net: the new text must read as the old content plus exactly this change
            var expected = (JObject)Json.DeepClone();
            if (!(expected["gateway"] is JObject eg)) expected["gateway"] = eg = new JObject();
            if (!(eg["tools"] is JObject et)) eg["tools"] = et = new JObject();
            if (!(et["allow"] is JArray ea)) et["allow"] = ea = new JArray();
            ea.Add(tool);
            JToken reread;
            try { reread = ParseLenient(text); }
            catch (JsonException ex) { throw EditFailed(ex); }
            if (!JToken.DeepEquals(reread, expected)) throw EditFailed(null);
            return text;
        }

        ClawdTalkException Unexpected(string key, string what) =>
            new ClawdTalkException(ErrorIds.GatewayConfigUnexpected, ErrorCategory.InvalidData,
                $"In {Path}, '{key}' is not {what}; it was left as it is. Fix it by hand (it should be {what}), then run the command again.", Path);

        ClawdTalkException EditFailed(Exception? inner) =>
            new ClawdTalkException(ErrorIds.GatewayConfigEditFailed, ErrorCategory.InvalidResult,
                $"The change to {Path} could not be made without disturbing the rest of the file, so the file was left as it is. Add the tool to gateway.tools.allow by hand.", Path, inner);

        static string ArrayOf(string tool, char quote) => "[" + JsonTextEdit.Quote(tool, quote) + "]";

        /// <summary>The quote of the file's first string value ('"' when it has none): new strings follow it.</summary>
        static char FirstStringQuote(JsonTextMap.Node node)
        {
            switch (node)
            {
                case JsonTextMap.ValueNode v when v.Quote != '\0': return v.Quote;
                case JsonTextMap.ObjectNode o:
                    foreach (var m in o.Members) { var q = FirstStringQuote(m.Value); if (q != '\0') return q; }
                    return '\0';
                case JsonTextMap.ArrayNode a:
                    foreach (var i in a.Items) { var q = FirstStringQuote(i); if (q != '\0') return q; }
                    return '\0';
                default: return '\0';
            }
        }

        /// <summary>`{ "tools": { "allow": ["…"] } }` laid out like the container it goes into: over lines, or on one line.</summary>
        static string Nested(string text, JsonTextMap.ObjectNode container, string indent, char keyQuote, char strQuote, string[] keys, string tool)
        {
            var multiline = text.IndexOf('\n', container.Start, container.End - container.Start) >= 0
                            || (container.Members.Count == 0 && text.IndexOf('\n') >= 0);
            var unit = JsonTextEdit.IndentUnit(text);
            var nl = JsonTextEdit.NewLine(text);
            string Key(string k) => keyQuote == '\0' ? k : JsonTextEdit.Quote(k, keyQuote);
            string Build(int i, string ind)
            {
                if (i == keys.Length - 1) return "{" + (multiline ? nl + ind + unit : "") + Key(keys[i]) + ": " + ArrayOf(tool, strQuote) + (multiline ? nl + ind : "") + "}";
                return "{" + (multiline ? nl + ind + unit : "") + Key(keys[i]) + ": " + Build(i + 1, ind + unit) + (multiline ? nl + ind : "") + "}";
            }
            return Build(0, indent);
        }

        /// <summary>
        /// Writes a copy of the file beside it (`openclaw.json.20260101-120000.bak`, private) and returns its path.
        /// </summary>
        public string Backup()
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            var backup = Path + "." + stamp + ".bak";
            for (var n = 2; File.Exists(backup); n++) backup = Path + "." + stamp + "-" + n + ".bak";
            File.Copy(Path, backup);
            UnixPermissions.SetPrivate(backup, directory: false);
            return backup;
        }

        /// <summary>
        /// Replaces the file atomically with <paramref name="newText"/> (byte order mark kept), unless it changed since it
        /// was read (then GatewayConfigChanged, and nothing is written).
        /// </summary>
        public void Write(string newText)
        {
            WriteOver(Text, newText);
        }

        /// <summary>Like <see cref="Write"/>, checking that the file still holds <paramref name="expected"/>.</summary>
        public void WriteOver(string expected, string newText)
        {
            string now;
            try
            {
                var bytes = File.ReadAllBytes(Path);
                var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
                now = Encoding.UTF8.GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ClawdTalkException(ErrorIds.GatewayConfigUnreadable, ErrorCategory.ReadError, $"The gateway config {Path} cannot be read: {ex.Message}", Path, ex);
            }
            if (now != expected)
                throw new ClawdTalkException(ErrorIds.GatewayConfigChanged, ErrorCategory.ResourceBusy,
                    $"{Path} changed while it was being edited (the gateway or another tool wrote it); nothing was written. Run the command again.", Path);
            AtomicFile.WriteAllText(Path, (Bom ? "\uFEFF" : "") + newText);
        }
    }
}
