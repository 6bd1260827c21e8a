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

    static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text);
    }
}
