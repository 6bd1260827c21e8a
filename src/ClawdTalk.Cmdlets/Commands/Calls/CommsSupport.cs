using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Calls
{
    /// <summary>
    /// What the calls, SMS and approval cmdlets saw in this session (call ids, contacts, approval ids), newest first, for tab
    /// completion without a network round trip. One per runspace (ModuleSession.Feature).
    /// </summary>
    internal sealed class CommsHistory
    {
        const int Capacity = 100;
        readonly object _gate = new object();
        readonly List<(string Value, string Hint)> _calls = new List<(string, string)>();
        readonly List<(string Value, string Hint)> _contacts = new List<(string, string)>();
        readonly List<(string Value, string Hint)> _approvals = new List<(string, string)>();

        public void Call(string id, string hint) => Add(_calls, id, hint);
        public void Contact(string number, string hint) => Add(_contacts, number, hint);
        public void Approval(string id, string hint) => Add(_approvals, id, hint);

        public IReadOnlyList<(string Value, string Hint)> Calls => Snapshot(_calls);
        public IReadOnlyList<(string Value, string Hint)> Contacts => Snapshot(_contacts);
        public IReadOnlyList<(string Value, string Hint)> Approvals => Snapshot(_approvals);

        void Add(List<(string Value, string Hint)> list, string value, string hint)
        {
            if (string.IsNullOrEmpty(value)) return;
            lock (_gate)
            {
                list.RemoveAll(x => x.Value == value);
                list.Insert(0, (value, hint));
                if (list.Count > Capacity) list.RemoveAt(list.Count - 1);
            }
        }

        IReadOnlyList<(string Value, string Hint)> Snapshot(List<(string Value, string Hint)> list)
        {
            lock (_gate) return list.ToArray();
        }
    }

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
                throw new ClawdTalkException("PaidPlanRequired", ErrorCategory.PermissionDenied, $"{what}: this needs a paid ClawdTalk plan with a dedicated number: {text}", target)
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
