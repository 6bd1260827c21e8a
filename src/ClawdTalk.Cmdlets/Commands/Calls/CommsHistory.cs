namespace ClawdTalk.Commands.Calls
{
    /// <summary>
    /// What the calls, SMS and approval cmdlets saw in this session (call ids, contacts, approval ids), newest first, for tab
    /// completion without a network round trip. One per runspace (ModuleSession.Feature).
    /// </summary>
    internal sealed class CommsHistory
    {
        const int Capacity = 100;
        readonly object _gate = new object();
        readonly List<(string Value, string Hint)> _calls = new List<(string, string)>();
        readonly List<(string Value, string Hint)> _contacts = new List<(string, string)>();
        readonly List<(string Value, string Hint)> _approvals = new List<(string, string)>();

        public void Call(string id, string hint) => Add(_calls, id, hint);
        public void Contact(string number, string hint) => Add(_contacts, number, hint);
        public void Approval(string id, string hint) => Add(_approvals, id, hint);

        public IReadOnlyList<(string Value, string Hint)> Calls => Snapshot(_calls);
        public IReadOnlyList<(string Value, string Hint)> Contacts => Snapshot(_contacts);
        public IReadOnlyList<(string Value, string Hint)> Approvals => Snapshot(_approvals);

        void Add(List<(string Value, string Hint)> list, string value, string hint)
        {
            if (string.IsNullOrEmpty(value)) return;
            lock (_gate)
            {
                list.RemoveAll(x => x.Value == value);
                list.Insert(0, (value, hint));
                if (list.Count > Capacity) list.RemoveAt(list.Count - 1);
            }
        }

        IReadOnlyList<(string Value, string Hint)> Snapshot(List<(string Value, string Hint)> list)
        {
            lock (_gate) return list.ToArray();
        }
    }
}
