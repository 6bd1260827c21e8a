namespace ClawdTalk.Api
{
    /// <summary>The resolved connection of a session: where to send requests, with which key, under which limits.</summary>
    internal sealed class ClawdTalkConnection
    {
        public ClawdTalkConnection(Uri apiBase, string apiKey, string keySource)
        {
            var text = apiBase.AbsoluteUri;
            ApiBase = new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
            ApiKey = apiKey;
            KeySource = keySource;
        }

        /// <summary>The REST base, `/v1/` included, always ending with a slash.</summary>
        public Uri ApiBase { get; }
        /// <summary>The secret. Never printed, logged or put in an error message.</summary>
        public string ApiKey { get; }
        public string KeySource { get; }
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(120);
        public int MaxRetries { get; set; } = 3;
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(400);
        public TimeSpan RetryAfterCap { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The sandbox extension header: how many times faster than real time the service's clock runs.</summary>
        public const string TimeScaleHeader = "X-ClawdTalk-Sandbox-Time-Scale";

        long _timeScaleBits = BitConverter.DoubleToInt64Bits(1);

        /// <summary>
        /// The rehearsal time scale this connection's service announced in its last answer (the sandbox's
        /// <see cref="TimeScaleHeader"/>); 1 for the real service, which never sends it. Waits and poll intervals divide by it.
        /// </summary>
        public double TimeScale => BitConverter.Int64BitsToDouble(System.Threading.Interlocked.Read(ref _timeScaleBits));

        /// <summary>The service's clock: this machine's for the real service, the sandbox's own when it runs faster.</summary>
        public ServiceClock Clock { get; } = new ServiceClock();

        /// <summary>Learns the time scale from an answer's headers: the factor when present and sane, else real time; and the service's clock.</summary>
        internal void ObserveTimeScale(System.Net.Http.HttpResponseMessage response)
        {
            double scale = 1;
            if (response.Headers.TryGetValues(TimeScaleHeader, out var values))
                foreach (var v in values)
                    if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f)
                        && f > 0 && !double.IsInfinity(f) && !double.IsNaN(f))
                    { scale = Math.Min(f, 1e6); break; }
            System.Threading.Interlocked.Exchange(ref _timeScaleBits, BitConverter.DoubleToInt64Bits(scale));
            Clock.Observe(scale, response.Headers.Date);
        }

        /// <summary>A service-time duration (a poll interval, a wait the guidance gives) in real time at this connection's scale.</summary>
        public TimeSpan Real(TimeSpan serviceTime, TimeSpan? floor = null)
        {
            var scale = TimeScale;
            var real = scale == 1 ? serviceTime : TimeSpan.FromTicks((long)(serviceTime.Ticks / scale));
            var min = floor ?? TimeSpan.FromMilliseconds(20);
            return real < min && serviceTime > TimeSpan.Zero ? (serviceTime < min ? serviceTime : min) : real;
        }

        /// <summary>The WebSocket endpoint: the server root with http→ws, https→wss, and `/ws`.</summary>
        public Uri WebSocketUri
        {
            get
            {
                var root = ApiBase.AbsoluteUri;
                if (root.EndsWith("/v1/", StringComparison.OrdinalIgnoreCase)) root = root.Substring(0, root.Length - 4);
                var b = new UriBuilder(new Uri(root)) { Scheme = ApiBase.Scheme == "https" ? "wss" : "ws" };
                b.Path = b.Path.TrimEnd('/') + "/ws";
                return b.Uri;
            }
        }

        public string MaskedKey => Secrets.Mask(ApiKey);

        public override string ToString() => $"{ApiBase} (key {MaskedKey} from {KeySource})";
    }

    internal static class Secrets
    {
        /// <summary>Shows a key as `abcdef…wxyz`; short keys are hidden whole.</summary>
        public static string Mask(string? secret)
        {
            if (string.IsNullOrEmpty(secret)) return "";
            var s = secret!;
            return s.Length >= 16 ? s.Substring(0, 6) + "…" + s.Substring(s.Length - 4) : "…" + (s.Length >= 8 ? s.Substring(s.Length - 2) : "");
        }

        /// <summary>Removes every known secret from a text before it reaches a stream, log or error.</summary>
        public static string Redact(string text, params string?[] secrets)
        {
            foreach (var s in secrets)
                if (!string.IsNullOrEmpty(s) && s!.Length >= 4) text = text.Replace(s, "***");
            return text;
        }
    }
}
