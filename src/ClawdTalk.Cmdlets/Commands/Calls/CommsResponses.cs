using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Calls
{
    /// <summary>Checks on the answers of the calls and SMS endpoints.</summary>
    internal static class CommsResponses
    {
        /// <summary>
        /// The contract lets `POST /calls` and `POST /messages/send` report a failure as `{"error":…}` in the body; when such a
        /// body comes with a 2xx status it is still a failure. Plan errors become PaidPlanRequired, the rest <paramref name="failureId"/>.
        /// </summary>
        public static void ThrowIfFailure(JToken? response, string failureId, string what, object? target, params string[] successKeys)
        {
            if (!(response is JObject o) || o["error"] == null || o["error"]!.Type == JTokenType.Null) return;
            if (successKeys.Any(k => o[k] != null && o[k]!.Type != JTokenType.Null)) return;
            var (code, message) = ApiClient.ParseErrorBody(o.ToString(Formatting.None));
            var text = message ?? "no message";
            if (IsPlanError(code, text))
                throw new ClawdTalkException(ErrorIds.PaidPlanRequired, ErrorCategory.PermissionDenied, $"{what}: this needs a paid ClawdTalk plan with a dedicated number: {text}", target)
                {
                    RecommendedAction = PaidPlanAdvice,
                };
            throw new ClawdTalkException(failureId, ErrorCategory.InvalidResult, $"{what} failed: {text}" + (code != null ? $" ({code})" : ""), target);
        }

        public const string PaidPlanAdvice = "Calls and texts to external numbers need a paid ClawdTalk plan with a dedicated number. Call the owner's phone (leave out -To), or upgrade the account.";

        static bool IsPlanError(string? code, string message) =>
            (code ?? "").IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0
            || message.IndexOf("paid", StringComparison.OrdinalIgnoreCase) >= 0
            || message.IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>Adds the paid-plan advice to the API's PaidPlanRequired errors.</summary>
        public static ClawdTalkException WithAdvice(ClawdTalkException ex)
        {
            if (ex.ErrorId == ErrorIds.PaidPlanRequired && ex.RecommendedAction == null) ex.RecommendedAction = PaidPlanAdvice;
            return ex;
        }

        /// <summary>A one-line preview of a text: whitespace collapsed, cut with an ellipsis.</summary>
        public static string Preview(string? text, int max)
        {
            var s = string.Join(" ", (text ?? "").Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            return s.Length <= max ? s : s.Substring(0, Math.Max(0, max - 1)) + "…";
        }
    }
}
