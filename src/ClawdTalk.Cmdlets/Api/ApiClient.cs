using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Diagnostics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClawdTalk.Api
{
    /// <summary>How a request may be retried (DESIGN.md, resilience contract).</summary>
    internal enum RequestKind
    {
        /// <summary>GET, DELETE of a known id, PATCH that sets a state: retried on connection errors, 408, 429, 5xx.</summary>
        Idempotent,
        /// <summary>POST that creates or bills: retried only when it provably did not reach the service.</summary>
        Create,
    }

    /// <summary>
    /// The one HTTP pipeline of the module: a shared HttpClient, a Polly.Core pipeline per request kind (total timeout →
    /// retry → per-attempt timeout), Retry-After honoured and capped, and the error boundary that maps HTTP statuses to
    /// typed exceptions with stable ErrorIds.
    /// </summary>
    internal sealed class ApiClient
    {
        internal const int MaxResponseBytes = 16 * 1024 * 1024;
        static readonly Lazy<HttpClient> SharedHttp = new Lazy<HttpClient>(() =>
        {
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
            var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ClawdTalk-PowerShell", typeof(ApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
            return client;
        });

        readonly ClawdTalkConnection _connection;
        // Built on first use: a command that only reads never builds (and validates) the other two, which a cold pwsh
        // would otherwise pay for on its first request.
        readonly Lazy<ResiliencePipeline<HttpResponseMessage>> _idempotent;
        readonly Lazy<ResiliencePipeline<HttpResponseMessage>> _create;
        readonly Lazy<ResiliencePipeline<HttpResponseMessage>> _once;

        public ApiClient(ClawdTalkConnection connection)
        {
            _connection = connection;
            _idempotent = new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => Build(connection, RequestKind.Idempotent, connection.MaxRetries));
            _create = new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => Build(connection, RequestKind.Create, connection.MaxRetries));
            _once = new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => Build(connection, RequestKind.Idempotent, 0));
        }

        public ClawdTalkConnection Connection => _connection;

        static readonly ResiliencePropertyKey<Action<string>?> LogKey = new ResiliencePropertyKey<Action<string>?>("clawdtalk.log");

        static ResiliencePipeline<HttpResponseMessage> Build(ClawdTalkConnection c, RequestKind kind, int retries)
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(c.TotalTimeout);
            if (retries > 0)
            {
                builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = retries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = c.BaseDelay,
                    MaxDelay = c.RetryAfterCap,
                    ShouldHandle = args => new ValueTask<bool>(kind == RequestKind.Idempotent
                        ? IsTransientForIdempotent(args.Outcome)
                        : ProvablyNotProcessed(args.Outcome)),
                    DelayGenerator = args =>
                    {
                        var after = RetryAfter(args.Outcome.Result);
                        return new ValueTask<TimeSpan?>(after.HasValue ? (TimeSpan?)(after.Value > c.RetryAfterCap ? c.RetryAfterCap : after.Value) : null);
                    },
                    OnRetry = args =>
                    {
                        if (args.Context.Properties.TryGetValue(LogKey, out var log) && log != null)
                        {
                            var why = args.Outcome.Result != null ? $"HTTP {(int)args.Outcome.Result.StatusCode}" : args.Outcome.Exception?.GetType().Name ?? "failure";
                            log($"retry {args.AttemptNumber + 1} of {retries} after {why}, waiting {args.RetryDelay.TotalMilliseconds:0} ms");
                        }
                        return default;
                    },
                });
            }
            return builder.AddTimeout(c.AttemptTimeout).Build();
        }

        static bool IsTransientForIdempotent(Outcome<HttpResponseMessage> o)
        {
            if (o.Exception is HttpRequestException || o.Exception is TimeoutRejectedException || o.Exception is IOException) return true;
            if (o.Result == null) return false;
            var s = (int)o.Result.StatusCode;
            return s == 408 || s == 429 || s >= 500;
        }

        static bool ProvablyNotProcessed(Outcome<HttpResponseMessage> o)
        {
            if (o.Exception != null) return IsConnectionRefused(o.Exception);
            var s = (int)o.Result!.StatusCode;
            return s == 429 || s == 503;
        }

        static bool IsConnectionRefused(Exception? e)
        {
            for (; e != null; e = e.InnerException)
                if (e is SocketException se && (se.SocketErrorCode == SocketError.ConnectionRefused || se.SocketErrorCode == SocketError.HostNotFound)) return true;
            return false;
        }

        static TimeSpan? RetryAfter(HttpResponseMessage? response)
        {
            var h = response?.Headers.RetryAfter;
            if (h == null) return null;
            if (h.Delta.HasValue) return h.Delta.Value;
            if (h.Date.HasValue) { var d = h.Date.Value - DateTimeOffset.UtcNow; return d < TimeSpan.Zero ? TimeSpan.Zero : d; }
            return null;
        }

        public Task<JToken?> GetAsync(string path, CancellationToken ct, Action<string>? log = null, string? resource = null, object? target = null) =>
            SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, log, resource, target);

        /// <summary>Sends one request through the pipeline and returns the parsed JSON body (null when empty).</summary>
        public async Task<JToken?> SendAsync(HttpMethod method, string path, JToken? body, RequestKind kind, CancellationToken ct,
            Action<string>? log = null, string? resource = null, object? target = null, bool noRetry = false)
        {
            var uri = new Uri(_connection.ApiBase, path.TrimStart('/'));
            var shownPath = "/" + uri.AbsoluteUri.Substring(_connection.ApiBase.AbsoluteUri.Length);
            var pipeline = (noRetry ? _once : kind == RequestKind.Create ? _create : _idempotent).Value;
            var payload = body?.ToString(Formatting.None);
            var context = ResilienceContextPool.Shared.Get(ct);
            context.Properties.Set(LogKey, log);
            var watch = Stopwatch.StartNew();
            var attempts = 0;
            HttpResponseMessage response;
            try
            {
                response = await pipeline.ExecuteAsync(async (ctx, state) =>
                {
                    attempts++;
                    using var request = new HttpRequestMessage(method, uri);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _connection.ApiKey);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    if (payload != null) request.Content = new StringContent(payload, Encoding.UTF8, "application/json");
                    var r = await SharedHttp.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                    log?.Invoke($"{method} {shownPath} -> {(int)r.StatusCode} in {watch.ElapsedMilliseconds} ms" + (attempts > 1 ? $" (attempt {attempts})" : ""));
                    return r;
                }, context, 0).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is TimeoutRejectedException || ex is HttpRequestException || ex is IOException || ex is OperationCanceledException)
            {
                log?.Invoke($"{method} {shownPath} failed after {watch.ElapsedMilliseconds} ms: {ex.GetType().Name}");
                if (kind == RequestKind.Create && !IsConnectionRefused(ex)) throw new RequestOutcomeUnknownException(method.Method, shownPath, ex);
                if (ex is TimeoutRejectedException || ex is OperationCanceledException)
                    throw new ClawdTalkApiException(ErrorIds.RequestTimeout, ErrorCategory.OperationTimeout,
                        $"{method} {shownPath} timed out after {watch.Elapsed.TotalSeconds:0.#} s ({attempts} attempt(s)).", null, null, method.Method, shownPath, target ?? shownPath, ex);
                throw new ClawdTalkApiException(ErrorIds.ServerUnreachable, ErrorCategory.ConnectionError,
                    $"Cannot reach the ClawdTalk service at {_connection.ApiBase.GetLeftPart(UriPartial.Authority)}: {Inner(ex).Message}", null, null, method.Method, shownPath, target ?? shownPath, ex);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }

            using (response)
            {
                _connection.ObserveTimeScale(response);
                string text;
                try { text = await ReadLimitedAsync(response, ct).ConfigureAwait(false); }
                catch (Exception ex) when (!(ex is ClawdTalkException) && !ct.IsCancellationRequested)
                {
                    throw new ClawdTalkApiException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult,
                        $"{method} {shownPath}: the response body could not be read ({ex.GetType().Name}).", response.StatusCode, null, method.Method, shownPath, target ?? shownPath, ex);
                }
                if (!response.IsSuccessStatusCode) throw MapError(response, text, method.Method, shownPath, resource, target, _connection);
                if (string.IsNullOrWhiteSpace(text)) return null;
                try { return Json.ParseOutside(text); }
                catch (JsonException ex)
                {
                    throw new ClawdTalkApiException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult,
                        $"{method} {shownPath}: the service answered {(int)response.StatusCode} with a body that is not valid JSON.", response.StatusCode, null, method.Method, shownPath, target ?? shownPath, ex);
                }
            }
        }

        static Exception Inner(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
        {
            if (response.Content == null) return "";
            if (response.Content.Headers.ContentLength > MaxResponseBytes) throw TooLarge(response);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int n;
            while ((n = await stream.ReadAsync(chunk, 0, chunk.Length, ct).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxResponseBytes) throw TooLarge(response);
            }
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        static ClawdTalkException TooLarge(HttpResponseMessage r) =>
            new ClawdTalkException(ErrorIds.ResponseTooLarge, ErrorCategory.InvalidResult,
                $"The service's response exceeds {MaxResponseBytes / (1024 * 1024)} MiB and was not read.", r.RequestMessage?.RequestUri?.AbsolutePath);

        /// <summary>
        /// Maps a non-2xx answer to a typed exception: the contract's three JSON error shapes and plain text. The message says
        /// what happened once (the service's own words when they already name it), and the recommended action what to do.
        /// </summary>
        internal static ClawdTalkApiException MapError(HttpResponseMessage response, string body, string method, string path, string? resource, object? target,
            ClawdTalkConnection? connection = null)
        {
            var (code, message) = ParseErrorBody(body);
            var status = (int)response.StatusCode;
            var server = message ?? response.ReasonPhrase ?? "no message";
            string errorId; ErrorCategory cat; string text; string? action = null;
            var failure = ServiceFailure(status, code);
            if (failure != null)
                return new ClawdTalkApiException(failure, ErrorCategory.InvalidResult, $"{method} {path}: The service could not do it ({code}): {server}",
                    response.StatusCode, code, method, path, target ?? path, null, RetryAfter(response));
            switch (status)
            {
                case 400: errorId = ErrorIds.BadRequest; cat = ErrorCategory.InvalidArgument; text = $"The service rejected the request: {server}"; break;
                case 401:
                    errorId = ErrorIds.ApiUnauthorized; cat = ErrorCategory.PermissionDenied;
                    text = $"The service rejected the API key{(connection != null ? $" {connection.MaskedKey} (from {connection.KeySource})" : "")}: {server}";
                    action = KeyAdvice;
                    break;
                case 402:
                case 403:
                    errorId = IsPlanError(code, server) ? ErrorIds.PaidPlanRequired : ErrorIds.ApiForbidden; cat = ErrorCategory.PermissionDenied;
                    text = errorId == ErrorIds.PaidPlanRequired ? $"This needs a paid ClawdTalk plan with a dedicated number: {server}" : $"The service refused the request: {server}";
                    if (errorId == ErrorIds.PaidPlanRequired) action = "Calls to numbers other than the owner's need a paid plan with a dedicated number: see your account at https://clawdtalk.com.";
                    break;
                case 404:
                    errorId = ErrorIds.NotFoundOf(resource); cat = ErrorCategory.ObjectNotFound;
                    // the service's message usually names what is missing already ("Mission 'mis_9' not found"): said once
                    var what = resource == null ? "Resource" : Words(resource);
                    text = server.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 ? server
                        : target is string t && t.Length > 0 ? $"{what} '{t}' not found ({server})" : $"{what} not found ({server})";
                    action = NotFoundAdvice(resource);
                    break;
                case 408: errorId = ErrorIds.RequestTimeout; cat = ErrorCategory.OperationTimeout; text = $"The service timed out: {server}"; break;
                case 409: errorId = ErrorIds.Conflict; cat = ErrorCategory.ResourceExists; text = $"Conflict: {server}"; break;
                case 422: errorId = ErrorIds.ValidationFailed; cat = ErrorCategory.InvalidArgument; text = $"The service rejected the request: {server}"; break;
                case 429:
                    errorId = ErrorIds.RateLimited; cat = ErrorCategory.ResourceUnavailable; text = $"Rate limited by the service: {server}";
                    action = "Wait a moment and run it again; fewer requests in parallel (-ThrottleLimit) help.";
                    break;
                default:
                    errorId = status >= 500 ? ErrorIds.ServerError : ErrorIds.ApiError; cat = status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.NotSpecified;
                    text = $"The service answered {status}: {server}"; break;
            }
            return new ClawdTalkApiException(errorId, cat, $"{method} {path}: {text}", response.StatusCode, code, method, path, target ?? path, null, RetryAfter(response))
            { RecommendedAction = action };
        }

        /// <summary>Where API keys come from and which commands set one (a missing key and a rejected key say it alike).</summary>
        internal const string KeyAdvice =
            "API keys come from your ClawdTalk account (https://clawdtalk.com). Set one for this session with "
            + "Connect-ClawdTalk -ApiKey (Read-Host -AsSecureString) (-Persist keeps it in the configuration file), or with "
            + "Set-ClawdTalkConfiguration -ApiKey; the CLAWDTALK_API_KEY environment variable overrides the file.";

        /// <summary>`ScheduledEvent` → `Scheduled event`.</summary>
        static string Words(string pascal)
        {
            var sb = new StringBuilder(pascal.Length + 4);
            for (var i = 0; i < pascal.Length; i++)
            {
                if (i > 0 && char.IsUpper(pascal[i])) sb.Append(' ').Append(char.ToLowerInvariant(pascal[i]));
                else sb.Append(pascal[i]);
            }
            return sb.ToString();
        }

        /// <summary>Which command lists what a 404 did not find.</summary>
        static string NotFoundAdvice(string? resource) => resource switch
        {
            "Mission" => "Get-ClawdTalkMission lists this account's missions and Get-ClawdTalkMissionState the ids each slug holds; Tab after -MissionId offers them.",
            "Run" => "Get-ClawdTalkRun -MissionId <id> lists a mission's runs; Tab after -RunId offers the runs this machine knows.",
            "Plan" => "The run has no plan yet: New-ClawdTalkPlan (or Initialize-ClawdTalkMission -Step) gives it one.",
            "Step" => "Get-ClawdTalkPlan shows the run's steps; Tab after -StepId offers them.",
            "Assistant" => "Get-ClawdTalkAssistant lists this account's assistants; Tab after -AssistantId offers them.",
            "ScheduledEvent" => "Get-ClawdTalkScheduledEvent lists a mission's or an assistant's scheduled calls and texts; Tab after -EventId offers them.",
            "Call" => "Get-ClawdTalkCall takes the id Start-ClawdTalkCall returned; Tab after -CallId offers this session's calls.",
            "Conversation" => "A conversation id comes from a finished call (ConversationId of Wait-ClawdTalkEvent's output); Tab after -ConversationId offers them.",
            "Approval" => "Get-ClawdTalkApproval lists the approval requests.",
            "PhoneNumber" => "Get-ClawdTalkPhoneNumber lists this account's numbers.",
            _ => "Check the id: Tab after the parameter name offers the ids this machine knows.",
        };

        /// <summary>
        /// The ErrorId of a failure the service reports as its own (a 4xx other than the auth, plan, not-found, conflict and
        /// rate-limit answers, whose error code says something failed: `message_failed`, `call_failed`…), or null. Such
        /// an answer is not bad input: the request was valid and the service could not carry it out.
        /// </summary>
        internal static string? ServiceFailure(int status, string? code)
        {
            if (status < 400 || status >= 500 || status == 401 || status == 402 || status == 403 || status == 404 || status == 409 || status == 429) return null;
            if (code == null || !(code.Equals("failed", StringComparison.OrdinalIgnoreCase) || code.EndsWith("_failed", StringComparison.OrdinalIgnoreCase))) return null;
            return code.ToLowerInvariant() switch
            {
                "message_failed" or "sms_failed" => ErrorIds.MessageFailed,
                "call_failed" => ErrorIds.CallFailed,
                _ => ErrorIds.ServiceFailed,
            };
        }

        static bool IsPlanError(string? code, string message) =>
            (code ?? "").IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0 || message.IndexOf("paid", StringComparison.OrdinalIgnoreCase) >= 0
            || message.IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>`{"error":{"code","message"}}`, `{"error":"…"}`, `{"message":"…"}` or plain text.</summary>
        internal static (string? code, string? message) ParseErrorBody(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return (null, null);
            try
            {
                if (Json.Parse(body) is JObject o)
                {
                    var err = o["error"];
                    if (err is JObject eo) return ((string?)eo["code"], (string?)eo["message"] ?? eo.ToString(Formatting.None));
                    if (err != null && err.Type == JTokenType.String) return ((string?)o["code"], (string?)err);
                    if (o["message"] != null) return ((string?)o["code"], (string?)o["message"]);
                    return (null, Truncate(o.ToString(Formatting.None)));
                }
            }
            catch (JsonException) { }
            return (null, Truncate(body.Trim()));
        }

        static string Truncate(string s) => s.Length > 300 ? s.Substring(0, 300) + "…" : s;
    }
}
