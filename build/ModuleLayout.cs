// Two small build steps for the module folder, run in-process by MSBuild (RoslynCodeTaskFactory):
// - the manifest gets the version and the exported cmdlet list, read from the [Cmdlet(...)] attributes of the source,
//   so adding a cmdlet never means editing a list by hand;
// - module/ClawdTalk.format.ps1xml and every module/Formats/*.format.ps1xml are merged into one format file, which
//   PowerShell loads once at import.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WriteModuleLayout : Task
{
    [Required] public ITaskItem[] SourceFiles { get; set; } = Array.Empty<ITaskItem>();
    [Required] public ITaskItem[] FormatFiles { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string ManifestTemplate { get; set; } = "";
    [Required] public string Version { get; set; } = "";
    [Required] public string OutputFolder { get; set; } = "";
    /// <summary>Where to write the .nuspec that `dotnet pack` turns into the gallery package (the one Publish-PSResource makes).</summary>
    public string NuspecFile { get; set; } = "";
    /// <summary>The skill's own files (skill/SKILL.md, skill/README.md), copied beside the module folder with the version filled in.</summary>
    public ITaskItem[] SkillFiles { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>The package's root (out/): SKILL.md and README.md beside ClawdTalk/&lt;version&gt;/, as the zip holds them.</summary>
    public string PackageFolder { get; set; } = "";

    static readonly Regex CmdletAttr = new Regex(@"\[Cmdlet\(\s*Verbs(\w+)\.(\w+)\s*,\s*""(\w+)""", RegexOptions.Compiled);

    public override bool Execute()
    {
        var names = SourceFiles.SelectMany(f => CmdletAttr.Matches(File.ReadAllText(f.ItemSpec)).Cast<Match>())
            .Select(m => m.Groups[2].Value + "-" + m.Groups[3].Value).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var manifest = File.ReadAllText(ManifestTemplate);
        manifest = Regex.Replace(manifest, @"ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '" + Version + "'");
        var list = "CmdletsToExport      = @(\n" + string.Join("\n", names.Select(n => "        '" + n + "'")) + "\n    )";
        manifest = Regex.Replace(manifest, @"CmdletsToExport\s*=\s*@\([^)]*\)", list.Replace("$", "$$"));
        WriteIfChanged(Path.Combine(OutputFolder, "ClawdTalk.psd1"), manifest);
        if (NuspecFile.Length > 0) WriteIfChanged(NuspecFile, Nuspec(manifest, names));
        // the skill: its frontmatter's `version:` line (and any @VERSION@) says the module's version
        if (PackageFolder.Length > 0)
            foreach (var f in SkillFiles)
            {
                var text = File.ReadAllText(f.ItemSpec).Replace("@VERSION@", Version);
                text = Regex.Replace(text, @"\A(---\r?\n(?:(?!---).*\r?\n)*?)version:[^\r\n]*", "${1}version: " + Version);
                WriteIfChanged(Path.Combine(PackageFolder, Path.GetFileName(f.ItemSpec)), text);
            }

        XElement? merged = null;
        foreach (var f in FormatFiles.OrderBy(f => Path.GetFileName(f.ItemSpec) == "ClawdTalk.format.ps1xml" ? "" : f.ItemSpec, StringComparer.Ordinal))
        {
            var doc = XDocument.Load(f.ItemSpec);
            var views = doc.Root!.Element("ViewDefinitions");
            if (merged == null) { merged = new XElement(doc.Root); continue; }
            var target = merged.Element("ViewDefinitions") ?? new XElement("ViewDefinitions");
            if (target.Parent == null) merged.Add(target);
            if (views != null) target.Add(views.Elements());
            foreach (var other in doc.Root.Elements().Where(e => e.Name != "ViewDefinitions"))
            {
                var same = merged.Element(other.Name);
                if (same == null) merged.Add(new XElement(other)); else same.Add(other.Elements());
            }
        }
        if (merged != null)
            WriteIfChanged(Path.Combine(OutputFolder, "ClawdTalk.format.ps1xml"), new XDocument(new XDeclaration("1.0", "utf-8", null), merged).ToString());
        return !Log.HasLoggedErrors;
    }

    // The package Publish-PSResource/Compress-PSResource make of a module folder: id and metadata from the manifest, the
    // "PSModule" tag first, the files at the package root; plus the gallery's command tags (Find-PSResource -CommandName).
    static string Nuspec(string manifest, System.Collections.Generic.IEnumerable<string> cmdlets)
    {
        string Value(string key)
        {
            var m = Regex.Match(manifest, @"(?m)^\s*" + key + @"\s*=\s*'((?:[^']|'')*)'");
            return m.Success ? m.Groups[1].Value.Replace("''", "'") : "";
        }
        var tags = Regex.Match(manifest, @"Tags\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var tagList = new[] { "PSModule", "PSIncludes_Cmdlet" }
            .Concat(Regex.Matches(tags, "'([^']+)'").Cast<Match>().Select(m => m.Groups[1].Value))
            .Concat(cmdlets.SelectMany(c => new[] { "PSCmdlet_" + c, "PSCommand_" + c }));
        XNamespace ns = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(ns + "package",
                new XElement(ns + "metadata",
                    new XElement(ns + "id", "ClawdTalk"),
                    new XElement(ns + "version", Value("ModuleVersion")),
                    new XElement(ns + "authors", Value("Author")),
                    new XElement(ns + "owners", Value("CompanyName")),
                    new XElement(ns + "requireLicenseAcceptance", "false"),
                    new XElement(ns + "licenseUrl", Value("LicenseUri")),
                    new XElement(ns + "projectUrl", Value("ProjectUri")),
                    new XElement(ns + "description", Value("Description")),
                    new XElement(ns + "releaseNotes", Value("ReleaseNotes")),
                    new XElement(ns + "copyright", Value("Copyright")),
                    new XElement(ns + "tags", string.Join(" ", tagList))),
                new XElement(ns + "files", new XElement(ns + "file", new XAttribute("src", "**"), new XAttribute("target", "")))));
        return doc.Declaration + "\n" + doc.Root;
    }

    static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text);
    }
}
