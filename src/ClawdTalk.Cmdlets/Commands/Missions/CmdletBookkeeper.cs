using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>A mission cmdlet's bookkeeping as the mission services see it (<see cref="IMissionBookkeeper"/>).</summary>
    internal sealed class CmdletBookkeeper : IMissionBookkeeper
    {
        readonly MissionCmdlet _c;
        public CmdletBookkeeper(MissionCmdlet cmdlet) { _c = cmdlet; }

        public MissionsApi Missions => _c.Missions;
        public T Call<T>(Func<CancellationToken, Task<T>> work) => _c.Run(work);

        public MissionEvent LogEvent(MissionTarget t, MissionEventType type, string summary, string? stepId = null, JToken? payload = null) =>
            _c.LogEvent(t, type, summary, stepId, payload);

        public string CreateOnce(string slug, string kind, Func<JObject, string?> find, Func<JObject, string> create, Action<JObject, string> record) =>
            _c.CreateOnce(slug, kind, find, create, record);

        public void FollowServiceEnd(MissionTarget t, MissionRun run, JObject? payload) => _c.FollowServiceEnd(t, run, payload);

        public void RunGone(MissionTarget t, string reason)
        {
            var gone = new MissionTerminalContext(t.Slug, t.MissionId, t.RunId, RunStatus.Cancelled, reason)
            { Api = _c.Api, Session = _c.Session, CancelToken = _c.CancelToken, StatePath = _c.Store.Path, Verbose = _c.WriteVerbose };
            foreach (var w in MissionLifecycle.RaiseTerminal(gone)) _c.WriteWarning(w);
        }

        public void Verbose(string message) => _c.WriteVerbose(message);
        public void Warning(string message) => _c.WriteWarning(message);
    }
}
