namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>
/// One background ticker for every timed transition (scheduled events, direct calls, approval expiry):
/// a priority queue keyed by monotonic due time, drained every 20 ms under the state lock.
/// Ten thousand pending items cost one queue entry each and no timers.
/// </summary>
internal sealed class Scheduler
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private readonly PriorityQueue<Action, long> _queue = new();
    private readonly object _sync;

    public Scheduler(object sync) => _sync = sync;

    /// <summary>Pending items (read under the lock).</summary>
    public int Count => _queue.Count;

    /// <summary>Errors thrown by items (kept so a bug shows in /_sandbox/stats instead of killing the ticker).</summary>
    public int Errors { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="dueMs"/> (monotonic ms). Call under the lock.</summary>
    public void At(long dueMs, Action action) => _queue.Enqueue(action, dueMs);

    /// <summary>Drops every pending item. Call under the lock.</summary>
    public void Clear() => _queue.Clear();

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) Drain();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs every item that is due, including items that due items schedule for now.</summary>
    public void Drain()
    {
        lock (_sync)
        {
            long now = Formats.MonoMs();
            while (_queue.TryPeek(out Action? action, out long due) && due <= now)
            {
                _queue.Dequeue();
                try
                {
                    action();
                }
                catch (Exception)
                {
                    Errors++;
                }
            }
        }
    }
}
