using ClawdTalk.Session;

namespace ClawdTalk.Missions
{
    /// <summary>What a terminal hook is told: which mission run ended, how, and where to report what it cleaned up.</summary>
    internal sealed class MissionTerminalContext
    {
        public MissionTerminalContext(string? slug, string missionId, string runId, RunStatus status, string? reason)
        {
            Slug = slug;
            MissionId = missionId;
            RunId = runId;
            Status = status;
            Reason = reason;
        }

        /// <summary>The slug of the state store, when the run is known there (null for a run addressed by ids only).</summary>
        public string? Slug { get; }
        public string MissionId { get; }
        public string RunId { get; }
        /// <summary>Succeeded, Failed or Cancelled.</summary>
        public RunStatus Status { get; }
        public string? Reason { get; }

        /// <summary>The session's API client (null when the run ended without one, which does not happen today).</summary>
        public ApiClient? Api { get; internal set; }
        public ModuleSession? Session { get; internal set; }
        public CancellationToken CancelToken { get; internal set; }
        /// <summary>The state file of the slug.</summary>
        public string? StatePath { get; internal set; }
        /// <summary>Writes a verbose line from the hook (pipeline thread).</summary>
        public Action<string> Verbose { get; internal set; } = _ => { };

        readonly List<string> _cleaned = new List<string>();
        /// <summary>What the hooks removed ("poller cron:abc"), logged in the mission's closing event and memory.</summary>
        public IReadOnlyList<string> Cleaned => _cleaned;

        /// <summary>A hook reports each thing it removed, e.g. `Removed("poller ScheduledTask 'ClawdTalk-x'")`.</summary>
        public void Removed(string what) { lock (_cleaned) _cleaned.Add(what); }
    }

    /// <summary>Something that must happen whenever a mission run reaches a terminal state (pollers removal, issue 8; the agent's notice, issue 21).</summary>
    internal interface IMissionTerminalHook
    {
        /// <summary>A short name for warnings ("pollers").</summary>
        string Name { get; }

        /// <summary>Runs on the pipeline thread after the run's terminal status is on the service and in the store.</summary>
        void OnTerminal(MissionTerminalContext context);
    }

    /// <summary>
    /// The one place where "a mission ended" is announced. Complete-ClawdTalkMission, Stop-ClawdTalkMission,
    /// Set-ClawdTalkStep (last step done, or a step failed) and Set-ClawdTalkRun (terminal status) call
    /// <see cref="RaiseTerminal"/>; features that keep something alive per mission (pollers) register a hook.
    /// A failing hook becomes a warning: the mission is still ended.
    /// </summary>
    internal static class MissionLifecycle
    {
        static readonly object Gate = new object();
        /// <summary>The hooks built into the module run in every session, even one that never touched their feature.</summary>
        static readonly List<IMissionTerminalHook> Hooks = new List<IMissionTerminalHook> { new Pollers.PollerTerminalHook(), new Pollers.AgentNoticeHook() };

        /// <summary>Adds a hook once (registering the same instance again does nothing).</summary>
        public static void Register(IMissionTerminalHook hook)
        {
            if (hook == null) throw new ArgumentNullException(nameof(hook));
            lock (Gate) if (!Hooks.Contains(hook)) Hooks.Add(hook);
        }

        public static void Unregister(IMissionTerminalHook hook)
        {
            lock (Gate) Hooks.Remove(hook);
        }

        public static IReadOnlyList<IMissionTerminalHook> Registered
        {
            get { lock (Gate) return Hooks.ToArray(); }
        }

        /// <summary>Runs every hook for the ended run; returns warnings for the hooks that failed.</summary>
        public static IReadOnlyList<string> RaiseTerminal(MissionTerminalContext context)
        {
            var failures = new List<string>();
            foreach (var hook in Registered)
            {
                try { hook.OnTerminal(context); }
                catch (OperationCanceledException) { throw; }
                catch (Exception ex)
                {
                    failures.Add($"The '{hook.Name}' cleanup of mission run {context.RunId} failed: {ex.Message}");
                }
            }
            return failures;
        }
    }
}
