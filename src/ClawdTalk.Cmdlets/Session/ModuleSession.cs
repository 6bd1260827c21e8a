using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace ClawdTalk.Session
{
    /// <summary>
    /// Module-scoped state, one per runspace (no `$global:`): the connection set by Connect-ClawdTalk and the API client
    /// built for it. Created on first use, so importing the module does no work.
    /// </summary>
    internal sealed class ModuleSession
    {
        static readonly ConditionalWeakTable<Runspace, ModuleSession> PerRunspace = new ConditionalWeakTable<Runspace, ModuleSession>();
        static readonly ModuleSession NoRunspace = new ModuleSession();

        public static ModuleSession Current
        {
            get
            {
                var rs = Runspace.DefaultRunspace;
                return rs == null ? NoRunspace : PerRunspace.GetValue(rs, _ => new ModuleSession());
            }
        }

        readonly object _gate = new object();
        ApiClient? _client;

        /// <summary>Set by Connect-ClawdTalk; when null the connection is resolved from env and config at each use.</summary>
        public ClawdTalkConnection? Explicit { get; set; }

        /// <summary>Per-session overrides of the request limits (Connect-ClawdTalk -TimeoutSec, -MaxRetryCount).</summary>
        public TimeSpan? AttemptTimeout { get; set; }
        public int? MaxRetries { get; set; }

        /// <summary>Extension point for other features that keep per-session objects (state store, bridge, pollers).</summary>
        public ConditionalWeakTable<Type, object> Features { get; } = new ConditionalWeakTable<Type, object>();

        public T Feature<T>(Func<T> create) where T : class => (T)Features.GetValue(typeof(T), _ => create());

        /// <summary>One ApiClient (and its pipelines) per distinct connection; reused while the connection is the same.</summary>
        public ApiClient ClientFor(ClawdTalkConnection c)
        {
            lock (_gate)
            {
                if (AttemptTimeout.HasValue) c.AttemptTimeout = AttemptTimeout.Value;
                if (MaxRetries.HasValue) c.MaxRetries = MaxRetries.Value;
                var cur = _client?.Connection;
                if (cur != null && cur.ApiBase == c.ApiBase && cur.ApiKey == c.ApiKey && cur.AttemptTimeout == c.AttemptTimeout
                    && cur.MaxRetries == c.MaxRetries && cur.TotalTimeout == c.TotalTimeout && cur.BaseDelay == c.BaseDelay)
                    return _client!;
                return _client = new ApiClient(c);
            }
        }
    }
}
