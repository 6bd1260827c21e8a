using ClawdTalk.Numbers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>The first sends: what one invocation keeps per run, per assistant and per target.</summary>
    internal sealed partial class FirstSends
    {
        // ---- state of one invocation ----

        sealed class RunContext
        {
            public MissionTarget T = null!;
            public string? DefaultAssistant, DefaultFrom;
            public string[] StepIds = Array.Empty<string>();
            public bool Active = true;
            /// <summary>A text scheduled without a mission (-AssistantId and -From only).</summary>
            public bool NoMission;
            public List<JObject> Records = new List<JObject>();
            /// <summary>The plan step its events belong to (-StepId, else StepPlacement's), null for none.</summary>
            public string? StepId;
            /// <summary>The run opened again (if the service had closed it) before its first request.</summary>
            public Task? Opening;
            /// <summary>What the run already has, by target (channel, number, step, text): from memory, then from each assistant's list.</summary>
            public readonly Dictionary<string, ScheduledEvent> Existing = new Dictionary<string, ScheduledEvent>(StringComparer.Ordinal);
            public readonly Dictionary<string, string> KeyOf = new Dictionary<string, string>(StringComparer.Ordinal);
            public readonly HashSet<string> LoadedAssistants = new HashSet<string>(StringComparer.Ordinal);
        }

        sealed class AssistantInfo
        {
            public string Id = "";
            public ClawdTalkException? Failure;
            public IReadOnlyList<JObject> Listed = Array.Empty<JObject>();
            /// <summary>Its event ids on the service: never adopted as the landed copy of a request whose answer was lost.</summary>
            public readonly KnownIds Known = new KnownIds();
        }

        /// <summary>A set of ids that many requests add to and read at once (handed to CreateOnceAsync whole, never copied per request).</summary>
        internal sealed class KnownIds : ICollection<string>
        {
            readonly HashSet<string> _ids = new HashSet<string>(StringComparer.Ordinal);
            public int Count { get { lock (_ids) return _ids.Count; } }
            public bool IsReadOnly => false;
            public void Add(string item) { lock (_ids) _ids.Add(item); }
            public void Clear() { lock (_ids) _ids.Clear(); }
            public bool Contains(string item) { lock (_ids) return _ids.Contains(item); }
            public void CopyTo(string[] array, int arrayIndex) { lock (_ids) _ids.CopyTo(array, arrayIndex); }
            public bool Remove(string item) { lock (_ids) return _ids.Remove(item); }
            public IEnumerator<string> GetEnumerator() { lock (_ids) return _ids.ToList().GetEnumerator(); }
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }

        sealed class Plan
        {
            public EventTarget Target = null!;
            public RunContext Ctx = null!;
            public AssistantInfo Assistant = null!;
            public string From = "";
            public DateTimeOffset At;
            /// <summary>The time the confirmation showed (before a late request moved it).</summary>
            public DateTimeOffset Shown;
            /// <summary>How long the confirmation prompt took to be answered.</summary>
            public TimeSpan Asked;
            public bool Flexible;
            public string? Zone, Window, Text;
            public RecipientType? RecipientType;
            /// <summary>Its place in the output (input order).</summary>
            public int Index;
        }
    }
}
