using System;
using System.Net.Http;
using ClawdTalk.Api;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Base
{
    /// <summary>A cmdlet that talks to the service: resolves the session's connection on first use and sends through the one pipeline.</summary>
    public abstract class ClawdTalkApiCmdlet : ClawdTalkCmdlet
    {
        ApiClient? _api;

        internal ApiClient Api => _api ??= Session.ClientFor(ConnectionResolver.Resolve(Session));

        internal JToken? Send(HttpMethod method, string path, JToken? body, RequestKind kind, string? resource = null, object? target = null) =>
            Run(ct => Api.SendAsync(method, path, body, kind, ct, LogVerbose, resource, target));

        internal JToken? Get(string path, string? resource = null, object? target = null) =>
            Send(HttpMethod.Get, path, null, RequestKind.Idempotent, resource, target);

        internal static readonly HttpMethod Patch = new HttpMethod("PATCH");

        internal static string Esc(string segment) => ApiText.Segment(segment);
    }
}
