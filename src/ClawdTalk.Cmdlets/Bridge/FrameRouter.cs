using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Sends each frame from the service to the handler of its kind of work: calls and deep-tool requests, push-to-talk,
    /// texts, call outcomes, and pushed approval decisions. Requests that wait on the agent run on their own task.
    /// </summary>
    internal sealed class FrameRouter
    {
        readonly BridgeCore _core;
        readonly CallHandler _calls;
        readonly WalkieHandler _walkie;
        readonly SmsHandler _sms;
        readonly CallOutcomeHandler _outcomes;

        public FrameRouter(BridgeCore core, CallHandler calls, WalkieHandler walkie, SmsHandler sms, CallOutcomeHandler outcomes)
        {
            _core = core;
            _calls = calls;
            _walkie = walkie;
            _sms = sms;
            _outcomes = outcomes;
        }

        public void Route(JObject frame, long received)
        {
            var type = Json.Str(frame, "type");
            switch (type)
            {
                case "event":
                    Dispatch(frame, received);
                    return;
                case "error":
                    _core.Log.Write(BridgeLogLevel.Warning, "service_error", $"The service reported: {Json.Str(frame, "message") ?? "an error"}.");
                    return;
                default:
                    _core.Log.Write(BridgeLogLevel.Verbose, "frame_ignored", $"Ignored a frame of type '{type ?? "(none)"}'.");
                    return;
            }
        }

        void Dispatch(JObject f, long received)
        {
            var evt = Json.Str(f, "event");
            var callId = Json.Str(f, "call_id");
            switch (evt)
            {
                case "context_request":
                    if (callId != null) _calls.OnContextRequest(callId);
                    return;
                case "call.started":
                    if (callId != null) _calls.OnCallStarted(callId, Json.Str(f, "direction"));
                    return;
                case "call.ended":
                    if (callId != null) _calls.OnCallEnded(callId);
                    _outcomes.OnCallEnded(f);
                    return;
                case "deep_tool_request":
                    _core.Spawn(() => _calls.HandleDeepToolAsync(f, received));
                    return;
                case "sms.received":
                    _core.Spawn(() => _sms.HandleAsync(f));
                    return;
                case "walkie_request":
                    _core.Spawn(() => _walkie.HandleAsync(f));
                    return;
                case "approval.responded":
                    var id = Json.Str(f, "request_id");
                    var decision = Json.Str(f, "decision") ?? "";
                    if (id == null) return;
                    ApprovalGate.Publish(_core.Api.Connection.ApiBase, id, decision);
                    _core.Log.Write(BridgeLogLevel.Information, "approval_responded", $"The owner answered approval {id}: {decision}.", data: LogData.Of(("approval_id", id), ("decision", decision)));
                    return;
                default:
                    _core.Log.Write(BridgeLogLevel.Verbose, "event_ignored", $"Ignored event '{evt ?? "(none)"}'.", callId);
                    return;
            }
        }
    }
}
