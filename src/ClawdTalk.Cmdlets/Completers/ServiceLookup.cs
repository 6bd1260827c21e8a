using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using ClawdTalk.Api;
using ClawdTalk.Config;
using ClawdTalk.Session;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Completers
{
    /// <summary>
    /// The one way a completer asks the service: one GET, not retried, given up after <see cref="Timeout"/>, never an error
    /// (not connected, unreachable, a bad answer: nothing), and its answer (or its failure) kept a minute per path, so a key
    /// press after the first costs nothing. One per session.
    /// </summary>
    internal sealed class ServiceLookup
    {
        /// <summary>What a completion may spend waiting for the service.</summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
        static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

        readonly object _gate = new object();
        readonly Dictionary<string, (DateTime At, JToken? Answer)> _answers = new Dictionary<string, (DateTime, JToken?)>(StringComparer.Ordinal);

        public static ServiceLookup For(ModuleSession session) => session.Feature(() => new ServiceLookup());

        /// <summary>The answer to GET <paramref name="path"/>, from the last minute's if there is one; null when it failed.</summary>
        public JToken? Get(ModuleSession session, string path, string resource)
        {
            lock (_gate)
                if (_answers.TryGetValue(path, out var known) && DateTime.UtcNow - known.At < Fresh) return known.Answer;
            var answer = Fetch(session, path, resource);
            lock (_gate) _answers[path] = (DateTime.UtcNow, answer);
            return answer;
        }

        /// <summary>Forgets what was read (after a command changed it: a new mission, a new run).</summary>
        public void Forget(string pathPrefix)
        {
            lock (_gate)
                foreach (var k in new List<string>(_answers.Keys))
                    if (k.StartsWith(pathPrefix, StringComparison.Ordinal)) _answers.Remove(k);
        }

        /// <summary>One quiet request: null on any failure.</summary>
        public static JToken? Fetch(ModuleSession session, string path, string resource)
        {
            try
            {
                var api = session.ClientFor(ConnectionResolver.Resolve(session));
                using var cts = new CancellationTokenSource(Timeout);
                return api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, cts.Token, null, resource, null, noRetry: true)
                    .GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                return null; // a completer never throws, prompts or hangs
            }
        }
    }
}
