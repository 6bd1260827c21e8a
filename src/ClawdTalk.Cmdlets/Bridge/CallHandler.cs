using System.Collections.Concurrent;
using System.Diagnostics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Calls: the context and one greeting when a call starts, and the voice agent's deep-tool requests: each asked of the
    /// agent once (a repeated request gets the same answer back, one still being worked on is ignored), through the
    /// sensitive-request policy, with spoken progress while an approval is pending.
    /// </summary>
    internal sealed class CallHandler
    {
        readonly BridgeCore _core;
        readonly AgentGateway _agent;
        readonly SensitiveRequestPolicy _policy;
        readonly ConcurrentDictionary<string, CallState> _calls = new ConcurrentDictionary<string, CallState>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, byte> _inflight = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        readonly BoundedCache<string> _answers = new BoundedCache<string>(4096);

        public CallHandler(BridgeCore core, AgentGateway agent, SensitiveRequestPolicy policy)
        {
            _core = core;
            _agent = agent;
            _policy = policy;
        }

        sealed class CallState
        {
            public string Id = "";
            public string? Direction;
            public int Greeted;
            public DateTimeOffset Started = DateTimeOffset.UtcNow;
            /// <summary>Who is on the line: looked up once per call (GET /calls/{id}), started when the call starts.</summary>
            public Lazy<Task<(Requester who, string? number)>>? Caller;
        }

        /// <summary>
        /// Who is on the line, from the service's call object (`GET /calls/{id}`: the other party is `from` for an inbound call,
        /// `to` for an outbound one): the owner when that number is one of the owner's, a stranger otherwise, unverified when
        /// no owner number is known or the call cannot be read (fails towards stranger: never the owner by default).
        /// </summary>
        async Task<(Requester who, string? number)> LookUpCaller(string callId)
        {
            try
            {
                var token = await _core.Api.SendAsync(System.Net.Http.HttpMethod.Get, "calls/" + ApiText.Segment(callId), null, RequestKind.Idempotent, _core.Stopping,
                    m => Log.Write(BridgeLogLevel.Verbose, "api", m, callId), "Call", callId).ConfigureAwait(false);
                var call = Json.Unwrap(token, "call");
                var direction = Json.Str(call, "direction") ?? "inbound";
                var other = PhoneText.Normalize(direction.Equals("outbound", StringComparison.OrdinalIgnoreCase) ? Json.Str(call, "to", "to_number") : Json.Str(call, "from", "from_number"));
                var who = _core.IsOwner(other) ? Requester.Owner : _core.OwnerNumbers.Length == 0 || other == null ? Requester.Unverified : Requester.Stranger;
                Log.Write(BridgeLogLevel.Information, "caller_identified", who == Requester.Owner ? $"The {(direction == "outbound" ? "callee" : "caller")} is the owner ({other})."
                    : $"The {(direction == "outbound" ? "callee" : "caller")} ({other ?? "number unknown"}) is not known to be the owner: treated as a stranger.", callId,
                    data: LogData.Of(("number", other), ("owner", who == Requester.Owner)));
                return (who, other);
            }
            catch (ClawdTalkException ex)
            {
                Log.Write(BridgeLogLevel.Warning, "caller_unknown", $"Could not read who is on the call ({ex.ErrorId}); treated as a stranger.", callId, errorId: ex.ErrorId);
                return (Requester.Unverified, null);
            }
        }

        Task<(Requester who, string? number)> CallerOf(CallState call)
        {
            if (call.Caller == null) Interlocked.CompareExchange(ref call.Caller, new Lazy<Task<(Requester, string?)>>(() => LookUpCaller(call.Id)), null);
            return call.Caller!.Value;
        }

        public int InProgress => _calls.Count;

        BridgeLogger Log => _core.Log;

        CallState CallOf(string callId, string? direction = null)
        {
            var call = _calls.GetOrAdd(callId, id => new CallState { Id = id, Direction = direction });
            if (direction != null && call.Direction == null) call.Direction = direction;
            return call;
        }

        public void OnContextRequest(string callId)
        {
            var call = CallOf(callId);
            Log.Write(BridgeLogLevel.Information, "context_request", "A call started; sending context and greeting.", callId);
            _ = CallerOf(call);
            _core.Queue.Enqueue(new JObject
            {
                ["type"] = "context_response", ["call_id"] = callId,
                ["context"] = new JObject { ["memory"] = _core.Options.Memory, ["system_prompt"] = _core.Options.VoiceContext },
            });
            Greet(call);
        }

        public void OnCallStarted(string callId, string? direction)
        {
            var dir = string.IsNullOrEmpty(direction) ? "inbound" : direction!;
            var call = CallOf(callId, dir);
            Log.Write(BridgeLogLevel.Information, "call_started", $"Call started ({dir}).", callId, data: LogData.Of(("direction", dir)));
            _ = CallerOf(call);
            if (dir.Equals("inbound", StringComparison.OrdinalIgnoreCase)) Greet(call);
        }

        public void OnCallEnded(string callId)
        {
            _calls.TryRemove(callId, out _);
            _policy.Forget(BridgeChannel.Voice, callId);
        }

        /// <summary>Greets a call once, whichever of context_request and call.started comes first.</summary>
        void Greet(CallState call)
        {
            var greeting = _core.Options.Greeting;
            if (string.IsNullOrWhiteSpace(greeting)) return;
            if (Interlocked.Exchange(ref call.Greeted, 1) != 0) return;
            _core.Queue.Enqueue(new JObject { ["type"] = "response", ["call_id"] = call.Id, ["text"] = SpeechText.ForSpeech(greeting) });
        }

        /// <summary>Forgets calls that never sent call.ended (six hours after they started).</summary>
        public void SweepStale()
        {
            var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromHours(6);
            foreach (var kv in _calls)
                if (kv.Value.Started < cutoff && _calls.TryRemove(kv.Key, out _)) _policy.Forget(BridgeChannel.Voice, kv.Key);
        }

        public async Task HandleDeepToolAsync(JObject f, long received)
        {
            var requestId = Json.Str(f, "request_id");
            var callId = Json.Str(f, "call_id");
            var query = Json.Str(f, "query") ?? "";
            var context = f["context"] is JObject co ? co.ToString(Formatting.None) : Json.Str(f, "context");
            if (requestId == null)
            {
                Log.Write(BridgeLogLevel.Warning, "deep_tool_invalid", "A deep_tool_request without a request_id was ignored.", callId);
                return;
            }
            if (_answers.TryGet(requestId, out var cached))
            {
                Log.Write(BridgeLogLevel.Information, "deep_tool_repeat", "The service sent an answered request again; the same answer goes back (the agent is not asked twice).", callId, requestId);
                _core.Queue.Enqueue(ResultFrame(requestId, cached!));
                return;
            }
            if (!_inflight.TryAdd(requestId, 0))
            {
                Log.Write(BridgeLogLevel.Verbose, "deep_tool_repeat", "The service sent a request that is still being worked on; ignored.", callId, requestId);
                return;
            }
            _core.Health.Received();
            Log.Write(BridgeLogLevel.Information, "deep_tool_request", "The voice agent asked the agent for help.", callId, requestId);
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "deep_tool_query", "Query: " + query, callId, requestId);
            string answer;
            try
            {
                var (who, number) = callId != null ? await CallerOf(CallOf(callId)).ConfigureAwait(false) : (Requester.Unverified, (string?)null);
                var verdict = await _policy.DecideAsync(new SensitiveRequest
                {
                    Channel = BridgeChannel.Voice, Who = who, Number = number, Conversation = callId, Text = query, Context = context, CallId = callId, RequestId = requestId,
                    Progress = first =>
                    {
                        _core.Queue.Enqueue(new JObject
                        {
                            ["type"] = "deep_tool_progress", ["request_id"] = requestId,
                            ["text"] = first ? "That needs your approval. I've sent a request to your phone." : "Still waiting for your approval on your phone.",
                        });
                        return Task.CompletedTask;
                    },
                }).ConfigureAwait(false);
                answer = verdict.Proceed
                    ? AgentGateway.Spoken(await _agent.AskAsync(BridgeChannel.Voice,
                        AgentGateway.VoiceMessage(verdict.Text, verdict.Context, AgentGateway.Trust(BridgeChannel.Voice, who, number, verdict)), callId, requestId).ConfigureAwait(false), BridgeChannel.Voice)
                    : verdict.Text;
            }
            catch (OperationCanceledException) when (_core.IsStopping)
            {
                _inflight.TryRemove(requestId, out _);
                return;
            }
            catch (Exception ex)
            {
                _core.RecordError(ErrorIds.BridgeHandlerFailed, BridgeCore.Innermost(ex).Message);
                Log.Write(BridgeLogLevel.Error, "deep_tool_failed", "Answering failed: " + BridgeCore.Innermost(ex).Message, callId, requestId, ErrorIds.BridgeHandlerFailed);
                answer = "Sorry, something went wrong on my side. Please try again.";
            }
            _answers.Set(requestId, answer);
            _inflight.TryRemove(requestId, out _);
            if (Log.DebugEnabled) Log.Write(BridgeLogLevel.Debug, "deep_tool_answer", "Answer: " + answer, callId, requestId);
            _core.Queue.Enqueue(ResultFrame(requestId, answer), onSent: () =>
            {
                _core.Health.Answered();
                Log.Write(BridgeLogLevel.Information, "deep_tool_result", "Answered the voice agent.", callId, requestId,
                    durationMs: (Stopwatch.GetTimestamp() - received) * 1000.0 / Stopwatch.Frequency);
            });
        }

        static JObject ResultFrame(string requestId, string text) => new JObject { ["type"] = "deep_tool_result", ["request_id"] = requestId, ["text"] = text };
    }
}
