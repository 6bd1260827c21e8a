namespace ClawdTalk
{
    /// <summary>What part of the installation a change is about.</summary>
    public enum SkillItem
    {
        /// <summary>The module's files in the user's module folder.</summary>
        Module,
        /// <summary>A file of the skill in the agent's workspace (SKILL.md, README.md).</summary>
        Skill,
        /// <summary>A key of the configuration file (skill-config.json).</summary>
        Configuration,
        /// <summary>A mission of the state store.</summary>
        Mission,
        /// <summary>The published client a takeover came from.</summary>
        PublishedClient,
    }

    /// <summary>What Install-/Uninstall-ClawdTalkSkill did with one item.</summary>
    public enum SkillAction
    {
        Installed,
        Updated,
        /// <summary>Already as it should be: nothing was written.</summary>
        Unchanged,
        /// <summary>Taken over from the published client.</summary>
        TakenOver,
        /// <summary>The published client has another value, and the one already here (the user's) was kept.</summary>
        Kept,
        /// <summary>Not taken over (a placeholder, an empty value, nothing to take).</summary>
        Skipped,
        Removed,
    }

    /// <summary>One thing Install-ClawdTalkSkill or Uninstall-ClawdTalkSkill changed (or found as it should be).</summary>
    public sealed class SkillChange
    {
        public SkillItem Item { get; internal set; }
        /// <summary>Which one: the module's version, a file name, a configuration key, a mission's slug.</summary>
        public string Name { get; internal set; } = "";
        public SkillAction Action { get; internal set; }
        /// <summary>Where it is (a folder, a file).</summary>
        public string? Path { get; internal set; }
        /// <summary>What was done, in words (secrets masked).</summary>
        public string? Detail { get; internal set; }
        /// <summary>True unless nothing was written for it.</summary>
        public bool Changed => Action == SkillAction.Installed || Action == SkillAction.Updated || Action == SkillAction.TakenOver || Action == SkillAction.Removed;

        public override string ToString() => $"{Item} {Name}: {Action}";
    }
}
