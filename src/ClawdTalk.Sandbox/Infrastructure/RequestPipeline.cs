using System.IO;

namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>
/// The middleware in front of every endpoint: request log (all but /_sandbox and the dashboard page at /), then for /v1 only the seeded
/// fault, bearer auth and the per-key rate limit, in that order.
/// </summary>
internal sealed class RequestPipeline
{
    private readonly SandboxCore _core;

    public RequestPipeline(SandboxCore core) => _core = core;

    /// <summary>The contract's sandbox extension: the time scale factor, on every /v1 answer (1 when time is not scaled).</summary>
    public const string TimeScaleHeader = "X-ClawdTalk-Sandbox-Time-Scale";

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        string path = ctx.Request.Path.Value ?? "";
        // every answer is dated by the sandbox's one clock (it runs TimeScale times faster than real time)
        ctx.Response.Headers.Date = _core.Clock.HttpDate();
        string? body = await RequestBody.ReadTextAsync(ctx).ConfigureAwait(false);
        if (path.StartsWith("/_sandbox", StringComparison.Ordinal) || path == "/")
        {
            await next(ctx).ConfigureAwait(false);
            return;
        }

        string method = ctx.Request.Method;
        bool logBody = HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPut(method);
        string query = ctx.Request.QueryString.HasValue ? Uri.UnescapeDataString(ctx.Request.QueryString.Value![1..]) : "";
        LogEntry entry;
        FaultKind fault = FaultKind.None;
        bool isApi = path == "/v1" || path.StartsWith("/v1/", StringComparison.Ordinal);
        // sandbox extension (contract): every /v1 answer says how fast time runs here, so a client can scale its waits
        if (isApi) ctx.Response.Headers[TimeScaleHeader] = _core.Options.TimeScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        lock (_core.Sync)
        {
            entry = _core.Log.Begin(method, path, query, logBody ? body : null);
            if (isApi) fault = _core.Faults.Draw();
        }

        bool aborted = false;
        try
        {
            if (!isApi)
            {
                Applied(entry);
                await next(ctx).ConfigureAwait(false);
                return;
            }

            switch (fault)
            {
                case FaultKind.TooManyRequests:
                    SetFault(entry, "429");
                    ctx.Response.Headers.RetryAfter = "1";
                    await Api.Error(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests (sandbox fault)").ExecuteAsync(ctx).ConfigureAwait(false);
                    return;
                case FaultKind.Unavailable:
                    SetFault(entry, "503");
                    await Api.Error(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "Service unavailable (sandbox fault)").ExecuteAsync(ctx).ConfigureAwait(false);
                    return;
                case FaultKind.ResetBefore:
                    SetFault(entry, "reset");
                    aborted = true;
                    ctx.Abort();
                    return;
                case FaultKind.Stall:
                    SetFault(entry, "stall");
                    double stall;
                    lock (_core.Sync) stall = _core.Faults.StallSeconds;
                    try
                    {
                        using var stallCts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _core.Stopping.Token);
                        await Task.Delay(TimeSpan.FromSeconds(stall), stallCts.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        aborted = true;
                        return;
                    }
                    break;
            }

            string auth = ctx.Request.Headers.Authorization.ToString();
            string key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : "";
            if (!string.Equals(key, _core.Options.ApiKey, StringComparison.Ordinal))
            {
                await Api.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Invalid or missing API key").ExecuteAsync(ctx).ConfigureAwait(false);
                return;
            }

            bool allowed;
            int retryAfter;
            lock (_core.Sync) allowed = _core.Faults.TryTake(key, out retryAfter);
            if (!allowed)
            {
                SetFault(entry, "rate_limit");
                ctx.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Api.Error(StatusCodes.Status429TooManyRequests, "rate_limited", "Rate limit exceeded").ExecuteAsync(ctx).ConfigureAwait(false);
                return;
            }

            if (fault == FaultKind.ResetAfter)
            {
                SetFault(entry, "reset");
                ctx.Response.Body = Stream.Null; // the answer never leaves the server
                Applied(entry);
                await next(ctx).ConfigureAwait(false);
                Complete(entry, ctx.Response.StatusCode);
                aborted = true;
                ctx.Abort();
                return;
            }

            Applied(entry);
            await next(ctx).ConfigureAwait(false);
        }
        finally
        {
            if (!aborted) Complete(entry, ctx.Response.StatusCode);
        }
    }

    private void SetFault(LogEntry e, string fault)
    {
        lock (_core.Sync) e.Fault = fault;
    }

    private void Applied(LogEntry e)
    {
        lock (_core.Sync) e.Applied = true;
    }

    private void Complete(LogEntry e, int status)
    {
        lock (_core.Sync) e.Status = status;
    }
}
