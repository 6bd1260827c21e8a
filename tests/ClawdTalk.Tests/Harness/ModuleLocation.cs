using System;
using System.IO;
using System.Text.RegularExpressions;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>Finds the repository and the built module folder out/ClawdTalk/&lt;version&gt;/ (the folder a user imports).</summary>
    public static class ModuleLocation
    {
        static readonly Lazy<string> Repo = new(() =>
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "ClawdTalk.PowerShell.sln"))) return d.FullName;
            throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        });

        public static string RepoRoot => Repo.Value;

        public static string Version
        {
            get
            {
                var props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Build.props"));
                return Regex.Match(props, "<ModuleVersion>([^<]+)</ModuleVersion>").Groups[1].Value;
            }
        }

        public static string ModuleFolder => Path.Combine(RepoRoot, "out", "ClawdTalk", Version);
        public static string Manifest => Path.Combine(ModuleFolder, "ClawdTalk.psd1");
        public static string DocsFolder => Path.Combine(RepoRoot, "docs", "en-US");
    }
}
