using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Push-to-talk (walkie-talkie): a transcript from the owner's app for the agent's session named in the request (or the
    /// bridge's own), through the sensitive-request policy like calls and texts, the reply spoken back. Each request is
    /// answered once.
    /// </summary>
    internal sealed class WalkieHandler
    {
        static readonly Regex SessionKeyPattern = new Regex(@"^agent:[A-Za-z0-9_.-]{1,100}:[^\s]{1,200}$", RegexOptions.Compiled);

        readonly BridgeCore _core;
        readonly AgentGateway _agent;
        readonly SensitiveRequestPolicy _policy;
        readonly ConcurrentDictionary<string, byte> _inflight = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        readonly BoundedCache<bool> _answered = new BoundedCache<bool>(4096);

        public WalkieHandler(BridgeCore core, AgentGateway agent, SensitiveRequestPolicy policy)
        {
            _core = core;
            _agent = agent;
            _policy = policy;
        }

        public async Task HandleAsync(JObject f)
        {
            var log = _core.Log;
            var requestId = Json.Str(f, "request_id");
            var transcript = Json.Str(f, "transcript") ?? "";
            if (requestId == null) return;
            if (_answered.TryGet(requestId, out _) || !_inflight.TryAdd(requestId, 0))
            {
                log.Write(BridgeLogLevel.Verbose, "walkie_repeat", "A repeated push-to-talk request was ignored.", null, requestId);
                return;
            }
            _core.Health.Received();
            var sessionKey = Json.Str(f, "session_key");
            if (sessionKey == null || !SessionKeyPattern.IsMatch(sessionKey)) sessionKey = _core.Options.SessionKey;
            log.Write(BridgeLogLevel.Information, "walkie_request", $"Push-to-talk message for session {sessionKey}.", null, requestId, data: LogData.Of(("session_key", sessionKey)));
            if (log.DebugEnabled) log.Write(BridgeLogLevel.Debug, "walkie_transcript", "Transcript: " + transcript, null, requestId);
            JObject frame;
            try
            {
                var verdict = await _policy.DecideAsync(new SensitiveRequest
                {
                    Channel = BridgeChannel.Walkie, Who = Requester.Owner, Conversation = sessionKey, Text = transcript, RequestId = requestId,
                }).ConfigureAwait(false);
                if (verdict.Proceed)
                {
                    var message = AgentGateway.WalkieMessage(verdict.Text, AgentGateway.Trust(BridgeChannel.Walkie, Requester.Owner, null, verdict));
                    var answer = await _agent.AskAsync(BridgeChannel.Walkie, message, null, requestId, sessionKey).ConfigureAwait(false);
                    frame = new JObject { ["type"] = "walkie_response", ["request_id"] = requestId, ["reply"] = AgentGateway.Spoken(answer, BridgeChannel.Walkie) };
                    if (answer.Outcome == AgentOutcome.Failed) frame["error"] = Secrets.Redact(answer.Error ?? "", _core.Options.ApiKey, _core.Options.GatewayToken);
                }
                else frame = new JObject { ["type"] = "walkie_response", ["request_id"] = requestId, ["reply"] = verdict.Text };
            }
            catch (OperationCanceledException) when (_core.IsStopping)
            {
                _inflight.TryRemove(requestId, out _);
                return;
            }
            if (_core.IsStopping)
            {
                _inflight.TryRemove(requestId, out _);
                return;
            }
            _answered.Set(requestId, true);
            _inflight.TryRemove(requestId, out _);
            _core.Queue.Enqueue(frame, onSent: () =>
            {
                _core.Health.Answered();
                log.Write(BridgeLogLevel.Information, "walkie_response", "Answered the push-to-talk message.", null, requestId);
            });
        }
    }
}
