using System.Runtime.InteropServices;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// `-EnvironmentFile`: KEY=VALUE lines (systemd's EnvironmentFile syntax: `#` comments, optional quotes) loaded into
    /// this process's environment before the bridge resolves its key and gateway token. This is how a service unit gets
    /// secrets without putting them on its command line; the file should be readable by its owner only (0600).
    /// </summary>
    internal static class BridgeEnvironmentFile
    {
        public static IReadOnlyDictionary<string, string> Parse(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal) || line.StartsWith(";", StringComparison.Ordinal)) continue;
                if (line.StartsWith("export ", StringComparison.Ordinal)) line = line.Substring(7).TrimStart();
                var eq = line.IndexOf('=');
                if (eq <= 0) continue;
                var key = line.Substring(0, eq).Trim();
                var value = line.Substring(eq + 1).Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0]) value = value.Substring(1, value.Length - 2);
                values[key] = value;
            }
            return values;
        }

        public static void Load(string path, Action<string> warn)
        {
            if (!File.Exists(path))
                throw Errors.Terminating(ErrorIds.EnvironmentFileNotFound, ErrorCategory.ObjectNotFound, $"The environment file {path} does not exist.", path);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && IO.UnixPermissions.IsShared(path))
                warn($"The environment file {path} can be read by other users; make it private (chmod 600).");
            foreach (var kv in Parse(File.ReadAllText(path))) Environment.SetEnvironmentVariable(kv.Key, kv.Value);
        }
    }

    /// <summary>Several things disposed as one, in order.</summary>
    internal sealed class Disposables : IDisposable
    {
        readonly List<IDisposable> _items = new List<IDisposable>();

        public void Add(IDisposable? d) { if (d != null) lock (_items) _items.Add(d); }
        /// <summary>Adds one that is disposed first.</summary>
        public void Insert(IDisposable d) { lock (_items) _items.Insert(0, d); }

        public void Dispose()
        {
            IDisposable[] items;
            lock (_items) { items = _items.ToArray(); _items.Clear(); }
            foreach (var d in items) d.Dispose();
        }
    }
}
