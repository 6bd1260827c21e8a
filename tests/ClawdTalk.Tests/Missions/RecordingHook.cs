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
        public List<MissionTerminalContext> ForRun(string runId) => _seen.Where(c => c.RunId == runId).ToList();

        public void Dispose() => MissionLifecycle.Unregister(this);
    }
}
