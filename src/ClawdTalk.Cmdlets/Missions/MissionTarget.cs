namespace ClawdTalk.Missions
{
    /// <summary>Which mission run a command works on: by ids, or by a slug of the state store.</summary>
    internal sealed class MissionTarget
    {
        public string? Slug;
        public string MissionId = "";
        public string RunId = "";
        public override string ToString() => Slug != null ? $"{Slug} ({MissionId}/{RunId})" : $"{MissionId}/{RunId}";
    }
}
