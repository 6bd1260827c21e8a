namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>One received request as /_sandbox/log shows it.</summary>
internal sealed class LogEntry
{
    public long Seq;
    public string Time = "", Method = "", Path = "", Query = "";
    public string? Body, Fault;
    /// <summary>The status the server produced (0 when none; with a reset fault the client never sees it).</summary>
    public int Status;
    /// <summary>The request reached its endpoint handler (its effect, if any, took place).</summary>
    public bool Applied;

    public JsonObject ToJson() => new()
    {
        ["seq"] = Seq, ["time"] = Time, ["method"] = Method, ["path"] = Path, ["query"] = Query,
        ["status"] = Status, ["fault"] = Fault, ["applied"] = Applied, ["body"] = Body,
    };
}

/// <summary>
/// Every request received outside /_sandbox, in arrival order; the most recent <see cref="Capacity"/>
/// are kept. Guarded by the core lock.
/// </summary>
internal sealed class RequestLog
{
    public const int Capacity = 100_000;
    private readonly Queue<LogEntry> _entries = new();
    private readonly SandboxClock _clock;
    private long _seq;

    public RequestLog(SandboxClock clock) => _clock = clock;

    public LogEntry Begin(string method, string path, string query, string? body)
    {
        var e = new LogEntry { Seq = ++_seq, Time = _clock.NowIso(), Method = method, Path = path, Query = query, Body = body };
        if (_entries.Count == Capacity) _entries.Dequeue();
        _entries.Enqueue(e);
        return e;
    }

    public int Count => _entries.Count;

    public JsonArray ToJson(long since)
    {
        var a = new JsonArray();
        foreach (LogEntry e in _entries)
        {
            if (e.Seq > since) a.Add(e.ToJson());
        }
        return a;
    }

    public void Clear()
    {
        _entries.Clear();
        _seq = 0;
    }
}
