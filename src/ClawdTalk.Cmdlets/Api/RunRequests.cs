using System.Collections;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The fields of a run to change (`PATCH …/runs/{id}`), built from the cmdlet's typed input; the payload is checked as
    /// JSON here, when the changes are made, so a bad one fails before anything is asked or sent.
    /// </summary>
    internal sealed class RunChanges
    {
        public RunChanges(RunStatus? status, string? summary, object? payload)
        {
            var p = payload == null ? null : UserInput.Value(payload, "The payload", ErrorIds.InvalidPayloadJson);
            if (status != null) Body["status"] = Wire.Run(status.Value);
            if (summary != null) Body["result_summary"] = summary;
            if (p != null) Body["result_payload"] = p;
        }

        internal JObject Body { get; } = new JObject();

        /// <summary>The fields changed, in order.</summary>
        public IReadOnlyList<string> Names => Body.Properties().Select(x => x.Name).ToList();
    }

    /// <summary>
    /// The input of a new run (`POST …/runs`): the user's -Input and -Context checked as JSON when it is made, and the
    /// original request.
    /// </summary>
    internal sealed class RunInput
    {
        public RunInput(string request, IDictionary? input, object? context)
        {
            Body = input == null ? new JObject() : (JObject)UserInput.Value(input, "The input", ErrorIds.InvalidInputJson);
            Body["original_request"] = request;
            if (context != null) Body["context"] = UserInput.Value(context, "The context", ErrorIds.InvalidContextJson);
        }

        internal JObject Body { get; }
    }
}
