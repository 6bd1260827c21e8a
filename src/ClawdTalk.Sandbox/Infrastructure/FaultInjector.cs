namespace ClawdTalk.Sandbox.Infrastructure;

internal enum FaultKind { None, TooManyRequests, Unavailable, ResetBefore, ResetAfter, Stall }

/// <summary>
/// The seeded fault draw and the per-key rate limiter. One <see cref="Random"/> seeded with Seed draws, per
/// /v1 request in arrival order, whether a fault hits (NextDouble() &lt; rate) and which enabled kind
/// (Next(count)). Resets alternate: the 1st, 3rd, … are applied before the handler runs (nothing happens),
/// the 2nd, 4th, … after it (the effect took place, the answer is lost). Guarded by the core lock.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Dictionary<string, (double Tokens, long AtMs)> _buckets = new(StringComparer.Ordinal);
    private Random _rng;
    private long _resets;

    public FaultInjector(SandboxOptions o)
    {
        Rate = o.FaultRate;
        Kinds = (string[])o.Faults.Clone();
        StallSeconds = o.StallSeconds;
        RateLimit = o.RateLimit;
        Seed = o.Seed;
        _rng = new Random(Seed);
    }

    public double Rate { get; set; }
    public string[] Kinds { get; set; }
    public double StallSeconds { get; set; }
    public double RateLimit { get; set; }
    public int Seed { get; private set; }

    /// <summary>Starts the draw again from <paramref name="seed"/> (and forgets rate-limit buckets).</summary>
    public void Reseed(int seed)
    {
        Seed = seed;
        _rng = new Random(seed);
        _resets = 0;
        _buckets.Clear();
    }

    public FaultKind Draw()
    {
        if (Rate <= 0 || Kinds.Length == 0) return FaultKind.None;
        if (_rng.NextDouble() >= Rate) return FaultKind.None;
        return Kinds[_rng.Next(Kinds.Length)] switch
        {
            "429" => FaultKind.TooManyRequests,
            "503" => FaultKind.Unavailable,
            "reset" => ++_resets % 2 == 1 ? FaultKind.ResetBefore : FaultKind.ResetAfter,
            _ => FaultKind.Stall,
        };
    }

    /// <summary>Token bucket per key (capacity max(1, R), refilled at R per second). Returns false when over the limit.</summary>
    public bool TryTake(string key, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (RateLimit <= 0) return true;
        long now = Formats.MonoMs();
        double capacity = Math.Max(1, RateLimit);
        (double tokens, long at) = _buckets.TryGetValue(key, out var b) ? b : (capacity, now);
        tokens = Math.Min(capacity, tokens + (now - at) / 1000.0 * RateLimit);
        if (tokens >= 1)
        {
            _buckets[key] = (tokens - 1, now);
            return true;
        }
        _buckets[key] = (tokens, now);
        retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - tokens) / RateLimit));
        return false;
    }

    public JsonObject ToJson() => new()
    {
        ["rate"] = Rate, ["faults"] = Api.Array(Kinds, k => JsonValue.Create(k)),
        ["stall_seconds"] = StallSeconds, ["rate_limit"] = RateLimit, ["seed"] = Seed,
    };
}
