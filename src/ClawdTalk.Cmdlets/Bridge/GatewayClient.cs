using System.Diagnostics;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bridge
{
    internal enum GatewayReplyKind
    {
        /// <summary>The agent answered with text.</summary>
        Reply,
        /// <summary>The gateway took the message (accepted, pending, queued) but no reply came back in time.</summary>
        Accepted,
    }

    internal sealed class GatewayReply
    {
        public GatewayReplyKind Kind;
        public string? Text;
        /// <summary>Where the reply was found: `details.reply`, `content.json`, `content.text`, or the accepted status.</summary>
        public string Shape = "";
        public double ElapsedMs;
    }

    /// <summary>A gateway call that failed; the ErrorId is stable and the message never holds the token.</summary>
    internal sealed class GatewayException : ClawdTalkException
    {
        public GatewayException(string errorId, ErrorCategory category, string message, int? status = null, Exception? inner = null)
            : base(errorId, category, message, "gateway", inner)
        {
            Status = status;
        }

        public int? Status { get; }
    }

    /// <summary>
    /// `POST <gateway>/tools/invoke` with `sessions_send`, the contract's one way into the agent. Reads the reply in every
    /// shape the contract lists (`result.details.reply`, else `result.content[0].text` as JSON with `reply` or as plain text)
    /// and tells a delivery that was only accepted apart from an answer. Not retried, because the message would reach the
    /// agent twice, except when the connection was refused (provably not delivered).
    /// </summary>
    internal sealed class GatewayClient
    {
        static readonly Lazy<HttpClient> Http = new Lazy<HttpClient>(() =>
        {
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false };
            return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        });

        readonly Uri _invoke;
        readonly string? _token;

        public GatewayClient(Uri gateway, string? token)
        {
            _invoke = new Uri(gateway, "tools/invoke");
            _token = token;
        }

        public Uri InvokeUri => _invoke;

        public static JObject Body(string sessionKey, string message, int timeoutSeconds) => new JObject
        {
            ["tool"] = "sessions_send",
            ["args"] = new JObject { ["sessionKey"] = sessionKey, ["message"] = message, ["timeoutSeconds"] = timeoutSeconds },
        };

        public async Task<GatewayReply> SendAsync(string sessionKey, string message, int timeoutSeconds, TimeSpan hardTimeout, CancellationToken ct)
        {
            var payload = Body(sessionKey, message, timeoutSeconds).ToString(Formatting.None);
            var watch = Stopwatch.StartNew();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(hardTimeout);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, _invoke) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                    if (!string.IsNullOrEmpty(_token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    using var response = await Http.Value.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
                    var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    var reply = Interpret((int)response.StatusCode, text);
                    reply.ElapsedMs = watch.Elapsed.TotalMilliseconds;
                    return reply;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    throw new GatewayException(ErrorIds.GatewayTimeout, ErrorCategory.OperationTimeout,
                        $"The agent gateway did not answer within {hardTimeout.TotalSeconds:0} s.", null, ex);
                }
                catch (HttpRequestException ex) when (attempt == 1 && IsRefused(ex))
                {
                    await Task.Delay(250, limit.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
                {
                    throw new GatewayException(ErrorIds.GatewayUnreachable, ErrorCategory.ConnectionError,
                        $"Cannot reach the agent gateway at {_invoke.GetLeftPart(UriPartial.Authority)}: {Innermost(ex).Message}. Is OpenClaw running?", null, ex);
                }
            }
        }

        /// <summary>
        /// A cheap authenticated probe that delivers nothing: `POST /tools/invoke` with `sessions_send` and no arguments. A
        /// gateway checks the token first (401/403: <c>GatewayUnauthorized</c>), then the tool policy (404:
        /// <c>GatewayToolNotAllowed</c>), then the arguments: the 400 it answers for the missing session and message means the
        /// token and the tool are fine. A 2xx means the same (a gateway that ignores missing arguments delivers nothing
        /// without a message). Unreachable and timeouts are typed as for a real request.
        /// </summary>
        public async Task ProbeAsync(TimeSpan timeout, CancellationToken ct)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _invoke)
                {
                    Content = new StringContent("{\"tool\":\"sessions_send\",\"args\":{}}", Encoding.UTF8, "application/json"),
                };
                if (!string.IsNullOrEmpty(_token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var response = await Http.Value.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status == 400 || status == 422 || status >= 200 && status <= 299) return;
                var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                Interpret(status, text); // throws the typed failure
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                throw new GatewayException(ErrorIds.GatewayTimeout, ErrorCategory.OperationTimeout, $"The agent gateway at {_invoke.GetLeftPart(UriPartial.Authority)} did not answer within {timeout.TotalSeconds:0} s.", null, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
            {
                throw new GatewayException(ErrorIds.GatewayUnreachable, ErrorCategory.ConnectionError,
                    $"Cannot reach the agent gateway at {_invoke.GetLeftPart(UriPartial.Authority)}: {Innermost(ex).Message}. Is OpenClaw running?", null, ex);
            }
        }

        /// <summary>The probe with a 10 s limit; its failure returned, not thrown (null: the gateway is ready).</summary>
        public async Task<GatewayException?> TryProbeAsync(CancellationToken ct)
        {
            try
            {
                await ProbeAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                return null;
            }
            catch (GatewayException gx) { return gx; }
        }

        /// <summary>The gateway state a failure shows.</summary>
        public static GatewayState StateOf(GatewayException gx) => gx.ErrorId switch
        {
            ErrorIds.GatewayUnauthorized => GatewayState.Unauthorized,
            ErrorIds.GatewayToolNotAllowed => GatewayState.ToolNotAllowed,
            ErrorIds.GatewayUnreachable => GatewayState.Unreachable,
            _ => GatewayState.Failing,
        };

        static bool IsRefused(Exception? e)
        {
            for (; e != null; e = e.InnerException)
                if (e is SocketException se && se.SocketErrorCode == SocketError.ConnectionRefused) return true;
            return false;
        }

        static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        /// <summary>Maps a gateway answer to a reply, an accepted delivery, or a typed failure.</summary>
        internal static GatewayReply Interpret(int status, string body)
        {
            JToken? token = null;
            if (!string.IsNullOrWhiteSpace(body))
            {
                try { token = Json.Parse(body); }
                catch (JsonException) { token = null; }
            }
            if (status < 200 || status > 299)
            {
                var (_, serverMessage) = ApiClient.ParseErrorBody(body);
                var said = serverMessage == null ? "" : $" ({serverMessage})";
                switch (status)
                {
                    case 401:
                    case 403:
                        throw new GatewayException(ErrorIds.GatewayUnauthorized, ErrorCategory.PermissionDenied,
                            $"The agent gateway refused the token (HTTP {status}){said}. Set gateway_token (Set-ClawdTalkConfiguration -GatewayToken) or OPENCLAW_GATEWAY_TOKEN to the gateway's gateway.auth.token.", status);
                    case 404:
                        throw new GatewayException(ErrorIds.GatewayToolNotAllowed, ErrorCategory.PermissionDenied,
                            $"The agent gateway answered 404 for the sessions_send tool{said}: add \"sessions_send\" to gateway.tools.allow in ~/.openclaw/openclaw.json " +
                            "(not to the top-level tools.allow, which would restrict the agent to that one tool) and restart the gateway.", status);
                    case 408:
                    case 504:
                        throw new GatewayException(ErrorIds.GatewayTimeout, ErrorCategory.OperationTimeout, $"The agent gateway timed out (HTTP {status}){said}.", status);
                    default:
                        throw new GatewayException(ErrorIds.GatewayError, status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidResult,
                            $"The agent gateway answered HTTP {status}{said}.", status);
                }
            }
            if (token == null)
            {
                if (string.IsNullOrWhiteSpace(body)) return new GatewayReply { Kind = GatewayReplyKind.Accepted, Shape = "empty" };
                return new GatewayReply { Kind = GatewayReplyKind.Reply, Text = body.Trim(), Shape = "plain" };
            }
            if (!(token is JObject root))
                throw new GatewayException(ErrorIds.GatewayInvalidResponse, ErrorCategory.InvalidResult, "The agent gateway answered with JSON that is not an object.");
            if (root["ok"]?.Type == JTokenType.Boolean && !(bool)root["ok"]! || (root["error"] != null && root["result"] == null))
            {
                var (_, m) = ApiClient.ParseErrorBody(body);
                throw new GatewayException(ErrorIds.GatewayError, ErrorCategory.InvalidResult, $"The agent gateway reported an error: {m ?? "no message"}.", status);
            }
            var result = root["result"] as JObject ?? root;
            var details = result["details"] as JObject;
            var reply = StringOf(details?["reply"]);
            if (reply != null) return new GatewayReply { Kind = GatewayReplyKind.Reply, Text = reply, Shape = "details.reply" };
            if (result["content"] is JArray content && content.Count > 0)
            {
                var first = content[0];
                var text = first is JObject fo ? StringOf(fo["text"]) : StringOf(first);
                if (text != null)
                {
                    var trimmed = text.Trim();
                    if (trimmed.StartsWith("{", StringComparison.Ordinal))
                    {
                        JObject? inner = null;
                        try { inner = Json.Parse(trimmed) as JObject; }
                        catch (JsonException) { }
                        if (inner != null)
                        {
                            var r = StringOf(inner["reply"]) ?? StringOf((inner["details"] as JObject)?["reply"]);
                            if (r != null) return new GatewayReply { Kind = GatewayReplyKind.Reply, Text = r, Shape = "content.json" };
                            if (IsAcceptedStatus(Json.Str(inner, "status")) || IsAcceptedStatus(Json.Str(inner["details"] as JObject, "status")))
                                return new GatewayReply { Kind = GatewayReplyKind.Accepted, Shape = "content.status" };
                        }
                    }
                    if (trimmed.Length > 0) return new GatewayReply { Kind = GatewayReplyKind.Reply, Text = text, Shape = "content.text" };
                }
            }
            // no reply in any shape: the message was delivered (accepted/pending) but the agent has not answered (yet)
            return new GatewayReply { Kind = GatewayReplyKind.Accepted, Shape = "status:" + (Json.Str(details, "status") ?? Json.Str(result, "status") ?? "none") };
        }

        static bool IsAcceptedStatus(string? s) =>
            s != null && (s.Equals("accepted", StringComparison.OrdinalIgnoreCase) || s.Equals("pending", StringComparison.OrdinalIgnoreCase)
                          || s.Equals("queued", StringComparison.OrdinalIgnoreCase) || s.Equals("sent", StringComparison.OrdinalIgnoreCase)
                          || s.Equals("timeout", StringComparison.OrdinalIgnoreCase));

        static string? StringOf(JToken? t) => t != null && t.Type == JTokenType.String ? (string?)t : null;
    }
}
