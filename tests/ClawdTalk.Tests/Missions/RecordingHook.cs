using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using ClawdTalk.Missions;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>A terminal hook standing in for the pollers of issue 8: records each ended run and "removes" a fake poller.</summary>
    internal sealed class RecordingHook : IMissionTerminalHook, IDisposable
    {
        readonly ConcurrentQueue<MissionTerminalContext> _seen = new();

        public RecordingHook() { MissionLifecycle.Register(this); }

        public string Name => "test pollers";

        /// <summary>Slugs whose hook must throw (to check a failing hook does not stop the mission's end).</summary>
        public HashSet<string> FailFor { get; } = new();

        public void OnTerminal(MissionTerminalContext context)
        {
            _seen.Enqueue(context);
            if (context.Slug != null && FailFor.Contains(context.Slug)) throw new InvalidOperationException("poller backend unavailable");
            context.Removed($"poller test:{context.Slug ?? context.RunId}");
        }

        public List<MissionTerminalContext> For(string slug) => _seen.Where(c => c.Slug == slug).ToList();
        /// <summary>
        /// The ends of one run of one sandbox: hooks are registered process-wide, so a hook also hears the test classes
        /// that run beside its own, and every sandbox numbers its runs from run_000001.
        /// </summary>
        public List<MissionTerminalContext> ForRun(string runId, string server) =>
            _seen.Where(c => c.RunId == runId && (c.Api?.Connection.ApiBase.AbsoluteUri ?? "").StartsWith(server.TrimEnd('/') + "/", StringComparison.Ordinal)).ToList();

        public void Dispose() => MissionLifecycle.Unregister(this);
    }
}
