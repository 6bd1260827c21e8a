using System.Collections;
using ClawdTalk.Commands.Missions;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// What Wait- and Unregister-ClawdTalkScheduledEvent take from the pipeline: ScheduledEvents, a MissionState (its whole
    /// run), or any object (hashtable, PSCustomObject) with AssistantId and EventId, or with a Slug.
    /// </summary>
    internal static class EventInput
    {
        public static bool IsRun(object? item)
        {
            var v = item is PSObject p ? p.BaseObject : item;
            if (v is ScheduledEvent) return false;
            if (v is MissionState) return true;
            return Prop(item, "EventId") == null && Prop(item, "Slug") != null;
        }

        /// <param name="fromSlug">How a slug becomes its run (the cmdlet's store).</param>
        public static IEnumerable<ScheduledEvent> Read(object? item, Func<string, MissionTarget> fromSlug, Func<MissionTarget, IEnumerable<ScheduledEvent>> run)
        {
            var v = item is PSObject p && !(p.BaseObject is PSCustomObject) ? p.BaseObject : item;
            switch (v)
            {
                case null: yield break;
                case ScheduledEvent ev: yield return ev.Clone(); yield break;
                case MissionState m:
                    foreach (var e in run(fromSlug(m.Slug))) yield return e;
                    yield break;
            }
            var eventId = Prop(item, "EventId");
            var assistantId = Prop(item, "AssistantId");
            if (eventId != null && assistantId != null)
            {
                yield return new ScheduledEvent { AssistantId = assistantId, EventId = eventId, Status = ScheduledEventStatus.Unknown };
                yield break;
            }
            var slug = Prop(item, "Slug");
            if (slug != null)
            {
                foreach (var e in run(fromSlug(slug))) yield return e;
                yield break;
            }
            throw Errors.Invalid(ErrorIds.InvalidScheduledEvent,
                $"'{item}' is not a scheduled event: give ScheduledEvents, a mission (MissionState or -Slug), or objects with AssistantId and EventId.", item);
        }

        static string? Prop(object? item, string name)
        {
            object? value = null;
            var v = item is PSObject p && !(p.BaseObject is PSCustomObject) ? p.BaseObject : item;
            if (v is IDictionary d) { foreach (DictionaryEntry kv in d) if (string.Equals(Convert.ToString(kv.Key, CultureInfo.InvariantCulture), name, StringComparison.OrdinalIgnoreCase)) value = kv.Value; }
            else if (item != null)
            {
                var prop = PSObject.AsPSObject(item).Properties[name];
                try { value = prop?.Value; } catch (Exception) { value = null; }
            }
            var s = value == null ? null : Convert.ToString(value is PSObject po ? po.BaseObject : value, CultureInfo.InvariantCulture);
            return string.IsNullOrWhiteSpace(s) ? null : s;
        }
    }
}
