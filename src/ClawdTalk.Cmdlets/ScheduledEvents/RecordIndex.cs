using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The records of one slug's entry by event id and by target key, for changes that run inside the ledger's locked writes:
    /// a look-up costs the same with 10 records or 10,000 (scanning the list for each target made a campaign quadratic).
    /// The index is built from the entry the write holds, once per write (<see cref="EventLedger.Generation"/>: a write
    /// reads what other processes wrote since), and follows what changes of that write append or merge through it. An entry
    /// in the older layout (records at its top level) is not indexed: its callers scan (<see cref="EventRecords.Read"/>).
    /// </summary>
    internal sealed class RecordIndex
    {
        readonly Func<JObject, string?> _keyOf;
        readonly Dictionary<string, List<JObject>> _byKey = new Dictionary<string, List<JObject>>(StringComparer.Ordinal);
        readonly Dictionary<string, JObject> _byId = new Dictionary<string, JObject>(StringComparer.Ordinal);
        JObject? _entry;
        JArray? _records;
        int _count, _generation = -1;

        /// <param name="keyOf">The target key of a record (null: not a target of this caller's kind).</param>
        public RecordIndex(Func<JObject, string?> keyOf) { _keyOf = keyOf; }

        /// <summary>The index of <paramref name="entry"/> as it is now, or null for an entry in the older layout.</summary>
        RecordIndex? Sync(JObject entry, int generation)
        {
            if (entry[EventRecords.Key] != null) return null;
            var records = (entry[StateKeys.Memory] as JObject)?[EventRecords.Key] as JArray;
            if (!ReferenceEquals(entry, _entry) || generation != _generation || !ReferenceEquals(records, _records) || (records?.Count ?? 0) < _count)
            {
                _byKey.Clear(); _byId.Clear();
                _entry = entry; _records = records; _generation = generation; _count = 0;
            }
            // records appended since (by this write's changes, or an index built just now)
            for (; records != null && _count < records.Count; _count++)
                if (records[_count] is JObject r) Add(r);
            return this;
        }

        void Add(JObject r)
        {
            var id = Json.Str(r, "event_id");
            if (id == null) return;
            if (!_byId.ContainsKey(id)) _byId[id] = r; // the first of an id, as EventRecords.Find
            var key = _keyOf(r);
            if (key == null) return;
            if (!_byKey.TryGetValue(key, out var list)) _byKey[key] = list = new List<JObject>(1);
            list.Add(r);
        }

        /// <summary>The first record under <paramref name="key"/> (or <paramref name="alternateKey"/>) that <paramref name="accept"/> takes; null when none.</summary>
        public JObject? Find(JObject entry, int generation, string key, string? alternateKey, Func<JObject, bool> accept, Func<JObject, string?, bool> scanMatch)
        {
            if (Sync(entry, generation) == null)
            {
                foreach (var r in EventRecords.Read(entry))
                    if (scanMatch(r, _keyOf(r)) && accept(r)) return r;
                return null;
            }
            foreach (var k in alternateKey == null ? new[] { key } : new[] { key, alternateKey })
                if (_byKey.TryGetValue(k, out var list))
                    foreach (var r in list)
                        if (_keyOf(r) == k && accept(r)) return r; // a record merged since under another key is skipped
            return null;
        }

        /// <summary><see cref="EventRecords.Upsert"/> through the index.</summary>
        public void Upsert(JObject entry, int generation, JObject record)
        {
            if (Sync(entry, generation) == null) { EventRecords.Upsert(entry, record); return; }
            var id = Json.Str(record, "event_id") ?? "";
            if (_byId.TryGetValue(id, out var existing))
            {
                EventRecords.MergeInto(existing, record);
                var key = _keyOf(existing);
                if (key != null && (!_byKey.TryGetValue(key, out var list) || !list.Contains(existing)))
                {
                    if (list == null) _byKey[key] = list = new List<JObject>(1);
                    list.Add(existing);
                }
                return;
            }
            EventRecords.List(entry).Add(record);
            Sync(entry, generation);
        }

        /// <summary><see cref="EventRecords.Update"/> through the index.</summary>
        public void Update(JObject entry, int generation, string eventId, Action<JObject> change)
        {
            if (Sync(entry, generation) == null) { EventRecords.Update(entry, eventId, change); return; }
            if (_byId.TryGetValue(eventId, out var r)) change(r);
        }
    }
}
