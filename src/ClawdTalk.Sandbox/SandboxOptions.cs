using System.Globalization;

namespace ClawdTalk.Sandbox;

/// <summary>Start-up settings of a <see cref="SandboxServer"/>; <see cref="Parse"/> reads them from command-line flags.</summary>
public sealed class SandboxOptions
{
    /// <summary>The fault kinds the sandbox knows.</summary>
    internal static readonly string[] KnownFaults = { "429", "503", "reset", "stall" };

    /// <summary>REST and WebSocket port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; } = 0;

    /// <summary>The only API key the sandbox accepts (REST bearer and WebSocket auth frame).</summary>
    public string ApiKey { get; set; } = "sandbox";

    /// <summary>Virtual seconds per real second: 60 makes a minute pass in a second.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Share (0..1) of <c>/v1</c> requests that get a fault.</summary>
    public double FaultRate { get; set; } = 0;

    /// <summary>Fault kinds drawn from: <c>429</c>, <c>503</c>, <c>reset</c>, <c>stall</c>.</summary>
    public string[] Faults { get; set; } = { "429", "503", "reset", "stall" };

    /// <summary>Seed of the fault draw (<see cref="System.Random"/>).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Port of the simulated agent gateway; 0 picks a free port.</summary>
    public int GatewayPort { get; set; } = 0;

    /// <summary>Do not start the simulated gateway.</summary>
    public bool NoGateway { get; set; }

    /// <summary>Bearer token the simulated gateway accepts.</summary>
    public string GatewayToken { get; set; } = "sandbox-gateway-token";

    /// <summary>Requests per second allowed per API key; 0 turns rate limiting off.</summary>
    public double RateLimit { get; set; } = 0;

    /// <summary>How long a <c>stall</c> fault holds a request before answering it normally.</summary>
    public double StallSeconds { get; set; } = 5;

    /// <summary>No ASP.NET Core console logging.</summary>
    public bool Quiet { get; set; } = true;

    /// <summary>Command-line usage text.</summary>
    public static string Usage =>
        "usage: ClawdTalk.Sandbox [--port N] [--api-key K] [--time-scale X] [--fault-rate P]\n" +
        "                         [--faults 429,503,reset,stall] [--seed S] [--gateway-port N] [--no-gateway]\n" +
        "                         [--gateway-token T] [--rate-limit R] [--stall-seconds S] [--verbose]";

    /// <summary>Reads the command-line flags (<c>--flag value</c> or <c>--flag=value</c>).</summary>
    /// <exception cref="ArgumentException">An unknown flag, a missing value or a value out of range.</exception>
    public static SandboxOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new SandboxOptions { Quiet = true };
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string flag = arg;
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                flag = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Length) throw new ArgumentException($"{flag} needs a value");
                return args[++i];
            }

            switch (flag)
            {
                case "--port": o.Port = ParsePort(flag, Value()); break;
                case "--api-key": o.ApiKey = Value(); break;
                case "--time-scale": o.TimeScale = ParseDouble(flag, Value()); break;
                case "--fault-rate": o.FaultRate = ParseDouble(flag, Value()); break;
                case "--faults": o.Faults = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--seed": o.Seed = ParseInt(flag, Value()); break;
                case "--gateway-port": o.GatewayPort = ParsePort(flag, Value()); break;
                case "--no-gateway": NoValue(flag, inline); o.NoGateway = true; break;
                case "--gateway-token": o.GatewayToken = Value(); break;
                case "--rate-limit": o.RateLimit = ParseDouble(flag, Value()); break;
                case "--stall-seconds": o.StallSeconds = ParseDouble(flag, Value()); break;
                case "--verbose": NoValue(flag, inline); o.Quiet = false; break;
                default: throw new ArgumentException($"unknown flag '{arg}'");
            }
        }
        o.Validate();
        return o;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    internal void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException("--port must be 0..65535");
        if (GatewayPort is < 0 or > 65535) throw new ArgumentException("--gateway-port must be 0..65535");
        if (string.IsNullOrEmpty(ApiKey)) throw new ArgumentException("--api-key must not be empty");
        if (string.IsNullOrEmpty(GatewayToken)) throw new ArgumentException("--gateway-token must not be empty");
        if (!(TimeScale > 0) || double.IsInfinity(TimeScale)) throw new ArgumentException("--time-scale must be a positive number");
        if (!(FaultRate >= 0 && FaultRate <= 1)) throw new ArgumentException("--fault-rate must be 0..1");
        if (!(RateLimit >= 0) || double.IsInfinity(RateLimit)) throw new ArgumentException("--rate-limit must be 0 or more");
        if (!(StallSeconds >= 0) || double.IsInfinity(StallSeconds)) throw new ArgumentException("--stall-seconds must be 0 or more");
        ValidateFaults(Faults);
    }

    internal static void ValidateFaults(IEnumerable<string> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (string f in faults)
        {
            if (!KnownFaults.Contains(f, StringComparer.Ordinal))
                throw new ArgumentException($"unknown fault '{f}' (known: {string.Join(",", KnownFaults)})");
        }
    }

    private static void NoValue(string flag, string? inline)
    {
        if (inline is not null) throw new ArgumentException($"{flag} takes no value");
    }

    private static int ParsePort(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is >= 0 and <= 65535
            ? p
            : throw new ArgumentException($"{flag}: '{value}' is not a port number");

    private static int ParseInt(string flag, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ArgumentException($"{flag}: '{value}' is not an integer");

    private static double ParseDouble(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d
            : throw new ArgumentException($"{flag}: '{value}' is not a number");
}
