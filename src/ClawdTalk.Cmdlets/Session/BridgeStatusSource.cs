using System;
using System.Linq;
using System.Reflection;

namespace ClawdTalk.Session
{
    /// <summary>What the voice bridge says about itself, for Get-ClawdTalkStatus.</summary>
    internal sealed class BridgeStatusSnapshot
    {
        public BridgeStatusSnapshot(string state, string? detail = null)
        {
            State = state;
            Detail = detail;
        }

        /// <summary>A short state: Running, NotRunning, Connecting, Reconnecting, Stopped, …</summary>
        public string State { get; }
        /// <summary>One line for people (where it runs, since when, the last error). Never a secret.</summary>
        public string? Detail { get; }
    }

    /// <summary>
    /// Implemented by the bridge feature to report its state. Any non-abstract class of this assembly that implements it
    /// and has a public parameterless constructor is found (no registration, nothing runs at import); without one,
    /// Get-ClawdTalkStatus shows the bridge as Unknown.
    /// </summary>
    internal interface IBridgeStatusSource
    {
        /// <summary>The state for this session (which may look at bridges of other processes, e.g. their lock files).</summary>
        BridgeStatusSnapshot Describe(ModuleSession session);
    }

    internal static class BridgeStatusSources
    {
        static readonly Lazy<IBridgeStatusSource?> Found = new Lazy<IBridgeStatusSource?>(() =>
        {
            var type = typeof(IBridgeStatusSource).Assembly.GetTypes()
                .FirstOrDefault(t => !t.IsAbstract && !t.IsInterface && typeof(IBridgeStatusSource).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) != null);
            return type == null ? null : (IBridgeStatusSource)Activator.CreateInstance(type)!;
        });

        /// <summary>The bridge's state, or Unknown (with the reason) when there is no source or it fails.</summary>
        public static BridgeStatusSnapshot Describe(ModuleSession session)
        {
            var source = Found.Value;
            if (source == null) return new BridgeStatusSnapshot("Unknown", "This version of the module has no bridge state to report.");
            try { return source.Describe(session); }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return new BridgeStatusSnapshot("Unknown", "The bridge state could not be read: " + ex.Message);
            }
        }
    }
}
