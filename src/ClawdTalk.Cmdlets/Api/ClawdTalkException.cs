using System.Net;

namespace ClawdTalk.Api
{
    /// <summary>
    /// Every failure the module reports crosses one boundary: it is (or is wrapped in) a ClawdTalkException, which
    /// carries a stable PascalCase ErrorId, an ErrorCategory, a target and the server's message. The cmdlet base turns
    /// it into an ErrorRecord. Messages never contain secrets: callers pass only redacted text. A message may quote
    /// outside text (a name, the service's own message): its control characters are made visible here, once.
    /// </summary>
    public class ClawdTalkException : Exception
    {
        public ClawdTalkException(string errorId, ErrorCategory category, string message, object? target = null,
            Exception? inner = null, bool terminating = false)
            : base(Boundary.OutsideText.Visible(message), inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
            Terminating = terminating;
        }

        public string ErrorId { get; }
        public ErrorCategory Category { get; }
        public object? Target { get; set; }
        /// <summary>True when nothing can proceed (no key, bad config): the cmdlet throws a terminating error.</summary>
        public bool Terminating { get; set; }
        /// <summary>A recommended action shown in ErrorDetails.</summary>
        public string? RecommendedAction { get => _recommended; set => _recommended = value == null ? null : Boundary.OutsideText.Visible(value); }
        string? _recommended;

        public ErrorRecord ToErrorRecord()
        {
            var record = new ErrorRecord(this, ErrorId, Category, Target);
            record.ErrorDetails = new ErrorDetails(Message);
            if (RecommendedAction != null) record.ErrorDetails.RecommendedAction = RecommendedAction;
            return record;
        }
    }

    /// <summary>A non-2xx answer from the service (or a transport failure), mapped by status.</summary>
    public sealed class ClawdTalkApiException : ClawdTalkException
    {
        public ClawdTalkApiException(string errorId, ErrorCategory category, string message, HttpStatusCode? status,
            string? serverCode, string method, string path, object? target = null, Exception? inner = null, TimeSpan? retryAfter = null)
            : base(errorId, category, message, target, inner)
        {
            StatusCode = status;
            ServerCode = serverCode;
            Method = method;
            Path = path;
            RetryAfter = retryAfter;
        }

        public HttpStatusCode? StatusCode { get; }
        /// <summary>The service's own error code, when its body carried one.</summary>
        public string? ServerCode { get; }
        public string Method { get; }
        public string Path { get; }
        public TimeSpan? RetryAfter { get; }
    }

    /// <summary>A create/bill request whose outcome is unknown: it may or may not have reached the service.</summary>
    public sealed class RequestOutcomeUnknownException : ClawdTalkException
    {
        public RequestOutcomeUnknownException(string method, string path, Exception inner)
            : base(ErrorIds.RequestOutcomeUnknown, ErrorCategory.OperationTimeout,
                $"{method} {path} may or may not have reached the service ({inner.Message}); it was not retried blindly, to avoid a duplicate.",
                path, inner)
        {
            Method = method;
            Path = path;
        }

        public string Method { get; }
        public string Path { get; }
    }

    internal static class Errors
    {
        public static ClawdTalkException Invalid(string errorId, string message, object? target = null) =>
            new ClawdTalkException(errorId, ErrorCategory.InvalidArgument, message, target);

        public static ClawdTalkException Terminating(string errorId, ErrorCategory category, string message, object? target = null, Exception? inner = null) =>
            new ClawdTalkException(errorId, category, message, target, inner, terminating: true);
    }
}
