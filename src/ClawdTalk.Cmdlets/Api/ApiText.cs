namespace ClawdTalk.Api
{
    /// <summary>The one place for how values are written into requests: path segments and times.</summary>
    internal static class ApiText
    {
        /// <summary>A value as one path segment (`/assistants/{id}`): percent-encoded, so an id can never change the path.</summary>
        public static string Segment(string value) => Uri.EscapeDataString(value);

        /// <summary>`2026-01-01T12:00:00Z`: how times (scheduled_at) are sent.</summary>
        public static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
