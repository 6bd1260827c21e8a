using ClawdTalk.Commands.Pollers;
using ClawdTalk.Config;
using ClawdTalk.Skill;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Skill
{
    /// <summary>
    /// Installs ClawdTalk as an OpenClaw skill from an extracted package: the module into the user's module folder (so
    /// `pwsh -Command` finds its commands by name), and SKILL.md and README.md into the agent's workspace
    /// (`&lt;workspace&gt;/skills/clawdtalk/`, the workspace found as the published setup.sh finds it), leaving every other file
    /// of that folder (`.clawhub/`) alone. With -From it takes over an installed published client: the keys of its
    /// skill-config.json this configuration does not have yet, and the missions of its .missions_state.json the store does
    /// not have yet (by Import-ClawdTalkMissionState's rules); a value already here is kept. It writes only what differs,
    /// returns a row for each thing (Installed, Updated, TakenOver, Kept, Unchanged, Skipped), and running it twice
    /// changes nothing. The API key goes only to the configuration file (mode 0600).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Install, "ClawdTalkSkill", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SkillChange))]
    public sealed class InstallClawdTalkSkillCommand : ClawdTalkCmdlet
    {
        /// <summary>The extracted package (the folder holding SKILL.md and ClawdTalk/); by default the one this module was imported from.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>The agent's workspace; by default the main agent's, from the gateway's config.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Workspace { get; set; }

        /// <summary>An installed published client to take over (its folder, e.g. &lt;workspace&gt;/skills/clawdtalk-client).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? From { get; set; }

        protected override void Process()
        {
            // everything is found and checked before anything is written
            var packageFolder = Path != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path)
                : SkillPackage.Around(PollerSupport.ModuleBase(MyInvocation.MyCommand.Module))
                  ?? throw new ClawdTalkException(ErrorIds.SkillPackageNotFound, ErrorCategory.ObjectNotFound,
                      "This module was not imported from an extracted ClawdTalk package, so there is no SKILL.md to install.", "Path")
                  { Terminating = true, RecommendedAction = "Give -Path the folder the package (ClawdTalk-<version>.zip) was extracted to." };
            var package = SkillPackage.Open(packageFolder);
            var (workspace, workspaceSource) = Workspace != null ? (SessionState.Path.GetUnresolvedProviderPathFromPSPath(Workspace), "-Workspace") : SkillPlaces.Workspace();
            var skillFolder = SkillPlaces.SkillFolder(workspace, package.Name);
            string? from = null;
            if (From != null)
            {
                from = SessionState.Path.GetUnresolvedProviderPathFromPSPath(From);
                if (!Directory.Exists(from) || !PublishedClient.Looks(from))
                    throw new ClawdTalkException(ErrorIds.PublishedClientNotFound, ErrorCategory.ObjectNotFound,
                        $"{from} is not an installed ClawdTalk client: it has no {PublishedClient.ConfigFile}, {PublishedClient.StateFile} or scripts/telnyx_api.py.", from)
                    { Terminating = true, RecommendedAction = "Give -From the published client's skill folder (usually <workspace>/skills/clawdtalk-client)." };
            }
            WriteVerbose($"Package {package.Folder} ({package.Name} {package.Version}); workspace {workspace} (from {workspaceSource}).");

            InstallModule(package);
            InstallSkillFiles(package, skillFolder);
            if (from != null) TakeOver(from);
            else
            {
                var published = System.IO.Path.Combine(workspace, "skills", "clawdtalk-client");
                if (Directory.Exists(published) && PublishedClient.Looks(published))
                    WriteWarning($"The published client is installed at {published}: run Install-ClawdTalkSkill -From '{published}' to take over its configuration and missions.");
            }
        }

        void Row(SkillItem item, string name, SkillAction action, string? path, string? detail) =>
            WriteObject(new SkillChange { Item = item, Name = name, Action = action, Path = path, Detail = detail });

        void InstallModule(SkillPackage package)
        {
            var target = System.IO.Path.Combine(SkillPlaces.UserModules(), SkillPackage.ModuleName, package.Version);
            var name = $"{SkillPackage.ModuleName} {package.Version}";
            if (string.Equals(System.IO.Path.GetFullPath(package.ModuleFolder).TrimEnd(System.IO.Path.DirectorySeparatorChar),
                    System.IO.Path.GetFullPath(target).TrimEnd(System.IO.Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                Row(SkillItem.Module, name, SkillAction.Unchanged, target, "runs from the user's module folder already");
                return;
            }
            var differing = FileSync.Differing(package.ModuleFolder, target);
            if (differing.Count == 0)
            {
                Row(SkillItem.Module, name, SkillAction.Unchanged, target, "installed for the user");
                return;
            }
            var fresh = !File.Exists(System.IO.Path.Combine(target, SkillPackage.ModuleName + ".psd1"));
            if (!ShouldProcess(target, $"{(fresh ? "Install" : "Update")} the module {name} for the user ({differing.Count} file(s))")) return;
            FileSync.Copy(package.ModuleFolder, target, differing);
            Row(SkillItem.Module, name, fresh ? SkillAction.Installed : SkillAction.Updated, target,
                (fresh ? "installed for the user" : $"{differing.Count} file(s) updated") + ": pwsh finds its commands by name (Get-Command -Module ClawdTalk)");
        }

        void InstallSkillFiles(SkillPackage package, string skillFolder)
        {
            foreach (var file in SkillPackage.SkillFiles.Where(f => File.Exists(System.IO.Path.Combine(package.Folder, f))))
            {
                var target = System.IO.Path.Combine(skillFolder, file);
                if (FileSync.Differing(package.Folder, skillFolder, new[] { file }).Count == 0)
                {
                    Row(SkillItem.Skill, file, SkillAction.Unchanged, target, $"skill '{package.Name}' {package.Version}");
                    continue;
                }
                var fresh = !File.Exists(target);
                if (!ShouldProcess(target, $"{(fresh ? "Write" : "Update")} the skill's {file}")) continue;
                FileSync.Copy(package.Folder, skillFolder, new[] { file });
                Row(SkillItem.Skill, file, fresh ? SkillAction.Installed : SkillAction.Updated, target, $"skill '{package.Name}' {package.Version}: the agent finds it in its workspace");
            }
        }

        void TakeOver(string from)
        {
            // its bridge would fight ours: two connections with one key close each other (4000)
            if (PublishedClient.RunningBridge(from) is int pid)
                WriteWarning($"The published client's bridge runs (process {pid}). Stop it before starting ClawdTalk's (bash '{from}/scripts/connect.sh' stop): two bridges on one key close each other.");

            // its configuration: keys this one lacks
            var theirsPath = System.IO.Path.Combine(from, PublishedClient.ConfigFile);
            var configPath = ModulePaths.ConfigFile;
            if (File.Exists(theirsPath))
            {
                var theirs = ConfigStore.Read(theirsPath);
                var errors = new List<ClawdTalkException>();
                var plan = PublishedClient.PlanConfig(theirs, ConfigStore.Read(configPath), theirsPath, errors);
                foreach (var e in errors) WriteError(e);
                var take = plan.Where(p => p.Action == SkillAction.TakenOver).ToList();
                if (take.Count > 0 && ShouldProcess(configPath, $"Take over {string.Join(", ", take.Select(t => t.Key))} from {theirsPath}"))
                {
                    ConfigStore.Update(configPath, c =>
                    {
                        foreach (var t in take)
                            if (c[t.Key] == null || c[t.Key]!.Type == JTokenType.Null) c[t.Key] = t.Value!.DeepClone(); // a value written meanwhile is the user's
                    });
                }
                else if (take.Count > 0) plan = plan.Where(p => p.Action != SkillAction.TakenOver).ToList();
                foreach (var p in plan) Row(SkillItem.Configuration, p.Key, p.Action, configPath, p.Detail);
            }
            else Row(SkillItem.Configuration, PublishedClient.ConfigFile, SkillAction.Skipped, theirsPath, "the published client has no configuration file");

            // its missions: the store's rules (Import-ClawdTalkMissionState), never replacing a mission the store has
            var statePath = System.IO.Path.Combine(from, PublishedClient.StateFile);
            if (!File.Exists(statePath))
            {
                Row(SkillItem.Mission, PublishedClient.StateFile, SkillAction.Skipped, statePath, "the published client has no mission state here");
                return;
            }
            var store = MissionStateStore.Default;
            foreach (var item in MissionStateImport.Plan(MissionStateImport.Read(statePath), store, _ => true).ToList())
            {
                if (MissionStateImport.Refused(item, statePath, WriteWarning, WriteError)) continue;
                switch (item.Verdict)
                {
                    case ImportVerdict.Same:
                        Row(SkillItem.Mission, item.Slug, SkillAction.Unchanged, store.Path, $"mission {Json.Str(item.Entry, StateKeys.MissionId)}, run {Json.Str(item.Entry, StateKeys.RunId)}");
                        break;
                    case ImportVerdict.Conflict:
                        WriteWarning(MissionStateImport.Conflict(item, store, "the store's was kept (Import-ClawdTalkMissionState -Force replaces it).").Message);
                        Row(SkillItem.Mission, item.Slug, SkillAction.Kept, store.Path, $"kept the store's run {Json.Str(item.Existing, StateKeys.RunId)}; the published client has run {Json.Str(item.Entry, StateKeys.RunId)}");
                        break;
                    case ImportVerdict.Import:
                        if (!ShouldProcess(item.Slug, $"Take over the mission from {statePath} into {store.Path}")) break;
                        MissionStateImport.Apply(store, item);
                        Row(SkillItem.Mission, item.Slug, SkillAction.TakenOver, store.Path,
                            $"{Json.Str(item.Entry, StateKeys.MissionName) ?? item.Slug}: mission {Json.Str(item.Entry, StateKeys.MissionId)}, run {Json.Str(item.Entry, StateKeys.RunId)}");
                        break;
                }
            }
        }
    }
}
