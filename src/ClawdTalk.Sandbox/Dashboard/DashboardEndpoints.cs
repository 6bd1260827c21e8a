using System.IO;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClawdTalk.Sandbox.Dashboard;

/// <summary>
/// The read-only live dashboard: the page at <c>/</c> (one embedded file: HTML, CSS and script, nothing from the
/// network) and the state it polls at <c>/_sandbox/dashboard.json</c> (with an ETag, so an unchanged state costs a 304).
/// Neither needs the API key, is faulted or appears in the request log.
/// </summary>
internal static class DashboardEndpoints
{
    public const string PagePath = "/", JsonPath = "/_sandbox/dashboard.json";
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using Stream s = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("ClawdTalk.Sandbox.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    });

    /// <summary>Bytes of the page as served.</summary>
    public static int PageBytes => Page.Value.Length;

    public static void Map(IEndpointRouteBuilder app, SandboxCore core)
    {
        app.MapGet(PagePath, (HttpContext ctx) =>
        {
            ctx.Response.Headers.CacheControl = "no-cache";
            ctx.Response.Headers["Content-Security-Policy"] = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:";
            return Results.Bytes(Page.Value, "text/html; charset=utf-8");
        });

        app.MapGet(JsonPath, (HttpContext ctx) =>
        {
            JsonObject model;
            lock (core.Sync) model = DashboardModel.Build(core, core.Clock.Now);
            // the ETag covers the state, not the moment it was read
            string generated = model["generated_at"]!.GetValue<string>();
            model.Remove("generated_at");
            string state = Api.Serialize(model);
            string etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state)), 0, 12) + "\"";
            ctx.Response.Headers.ETag = etag;
            ctx.Response.Headers.CacheControl = "no-cache";
            if (ctx.Request.Headers.IfNoneMatch.ToString() == etag) return Results.StatusCode(StatusCodes.Status304NotModified);
            model["generated_at"] = generated;
            return Api.Json(model);
        });
    }
}
