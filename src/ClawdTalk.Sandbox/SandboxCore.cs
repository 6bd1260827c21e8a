using ClawdTalk.Sandbox.Bridge;

namespace ClawdTalk.Sandbox;

/// <summary>
/// The sandbox's shared parts. One lock (<see cref="Sync"/>) guards the state, the scheduler, the fault draw,
/// the logs and the WebSocket bookkeeping; nothing awaits while holding it.
/// </summary>
internal sealed class SandboxCore : IDisposable
{
    public SandboxCore(SandboxOptions options)
    {
        Options = options;
        Clock = new SandboxClock(options.TimeScale);
        Log = new RequestLog(Clock);
        Scheduler = new Scheduler(Sync);
        Faults = new FaultInjector(options);
        Hub = new WsHub(this);
        Gateway = new GatewaySim(this);
        Sim = new Simulator(this);
    }

    public object Sync { get; } = new();
    public SandboxOptions Options { get; }
    /// <summary>The one clock every served time and every due time is read from.</summary>
    public SandboxClock Clock { get; }
    public SandboxState State { get; private set; } = new();
    public Scheduler Scheduler { get; }
    public FaultInjector Faults { get; }
    public RequestLog Log { get; }
    public WsHub Hub { get; }
    public GatewaySim Gateway { get; }
    public Simulator Sim { get; }
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Monotonic due time <paramref name="virtualSeconds"/> of sandbox time from now.</summary>
    public long DueIn(double virtualSeconds) => Formats.MonoMs() + RealMs(virtualSeconds);

    /// <summary>Real milliseconds that <paramref name="virtualSeconds"/> take at the time scale.</summary>
    public long RealMs(double virtualSeconds) => (long)Math.Round(virtualSeconds * 1000.0 / Options.TimeScale);

    /// <summary>Back to the seed: state, pending timers, the clock (real time again), logs, recorded frames, gateway mode; faults are kept and reseeded.</summary>
    public void Reset()
    {
        lock (Sync)
        {
            State = new SandboxState();
            Scheduler.Clear();
            Clock.Reset();
            Log.Clear();
            Faults.Reseed(Faults.Seed);
            Hub.ResetRecords();
            Gateway.Reset();
        }
    }

    public void Dispose() => Stopping.Dispose();
}
