using ClawdTalk.Skill;

namespace ClawdTalk.Commands.Skill
{
    /// <summary>
    /// Takes the ClawdTalk skill out of the agent's workspace: its SKILL.md and README.md (and its folder, when nothing
    /// else is left in it; other files such as `.clawhub/` stay), and with -Module the module's versions from the user's
    /// module folder. The configuration and the mission state are never touched (Remove-ClawdTalkConfiguration and
    /// Remove-ClawdTalkMissionState do that, when wanted). Returns a row for each thing removed.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Uninstall, "ClawdTalkSkill", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(SkillChange))]
    public sealed class UninstallClawdTalkSkillCommand : ClawdTalkCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Workspace { get; set; }

        /// <summary>Also remove the module (every version of it) from the user's module folder.</summary>
        [Parameter]
        public SwitchParameter Module { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var (workspace, _) = Workspace != null ? (SessionState.Path.GetUnresolvedProviderPathFromPSPath(Workspace), "-Workspace") : SkillPlaces.Workspace();
            var folder = SkillPlaces.SkillFolder(workspace, SkillPackage.SkillName);
            var files = SkillPackage.SkillFiles.Select(f => Path.Combine(folder, f)).Where(File.Exists).ToList();
            if (files.Count == 0) WriteVerbose($"The skill is not in {folder}.");
            else if (Confirmed(Force, folder, $"Remove the ClawdTalk skill ({string.Join(", ", files.Select(Path.GetFileName))}) from the agent's workspace"))
            {
                foreach (var f in files)
                {
                    IO.Links.Refuse(f);
                    File.Delete(f);
                    WriteObject(new SkillChange { Item = SkillItem.Skill, Name = Path.GetFileName(f), Action = SkillAction.Removed, Path = f, Detail = "the agent no longer sees the skill" });
                }
                if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
                else WriteVerbose($"{folder} keeps files that are not the skill's ({string.Join(", ", Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName))}); the folder stays.");
            }
            if (!Module) return;
            var modules = Path.Combine(SkillPlaces.UserModules(), SkillPackage.ModuleName);
            var versions = Directory.Exists(modules) ? Directory.GetDirectories(modules).Where(d => File.Exists(Path.Combine(d, SkillPackage.ModuleName + ".psd1"))).ToList() : new System.Collections.Generic.List<string>();
            if (versions.Count == 0) { WriteVerbose($"The module is not in {modules}."); return; }
            if (!Confirmed(Force, modules, $"Remove the ClawdTalk module ({string.Join(", ", versions.Select(Path.GetFileName))}) from the user's module folder")) return;
            foreach (var v in versions)
            {
                if (new DirectoryInfo(v).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    throw new ClawdTalkException(ErrorIds.FileIsSymbolicLink, ErrorCategory.SecurityError, $"{v} is a symbolic link; it was left as it is.", v);
                Directory.Delete(v, recursive: true);
                WriteObject(new SkillChange { Item = SkillItem.Module, Name = $"{SkillPackage.ModuleName} {Path.GetFileName(v)}", Action = SkillAction.Removed, Path = v, Detail = "removed from the user's module folder" });
            }
            if (!Directory.EnumerateFileSystemEntries(modules).Any()) Directory.Delete(modules);
        }
    }
}
