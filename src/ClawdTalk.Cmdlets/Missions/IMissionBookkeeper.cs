using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>
    /// What a mission service needs from the bookkeeping of "correct by construction": the mission endpoints and a way
    /// to run them, the run-event log, create-once, the terminal hooks, and where to say what it did. The cmdlets give
    /// theirs (<see cref="CmdletBookkeeper"/>); a test can give its own, so the services run without the engine.
    /// </summary>
    internal interface IMissionBookkeeper
    {
        MissionsApi Missions { get; }

        /// <summary>Runs one request and waits for it (a cmdlet: its Run pump, so Ctrl+C and -Verbose apply).</summary>
        T Call<T>(Func<CancellationToken, Task<T>> work);

        /// <summary>Logs a run event (MissionCmdlet.LogEvent).</summary>
        MissionEvent LogEvent(MissionTarget t, MissionEventType type, string summary, string? stepId = null, JToken? payload = null);

        /// <summary>Creates something once across crashes and reruns (MissionCmdlet.CreateOnce).</summary>
        string CreateOnce(string slug, string kind, Func<JObject, string?> find, Func<JObject, string> create, Action<JObject, string> record);

        /// <summary>The service ended the run by itself: the store follows and the terminal hooks run.</summary>
        void FollowServiceEnd(MissionTarget t, MissionRun run, JObject? payload);

        /// <summary>The run vanished from the service: the terminal hooks run (cancelled, with the reason).</summary>
        void RunGone(MissionTarget t, string reason);

        void Verbose(string message);
        void Warning(string message);
    }
}
