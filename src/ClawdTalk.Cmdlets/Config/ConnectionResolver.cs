using System.Net;
using ClawdTalk.Session;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Config
{
    /// <summary>Resolves the connection in the contract's order of sources, and checks server addresses.</summary>
    internal static class ConnectionResolver
    {
        public const string DefaultServer = "https://clawdtalk.com";
        public const string KeyEnv = "CLAWDTALK_API_KEY";
        public const string UrlEnv = "CLAWDTALK_API_URL";

        public static ClawdTalkConnection Resolve(ModuleSession session)
        {
            if (session.Explicit != null) return session.Explicit;
            var path = ModulePaths.ConfigFile;
            JObject? config = null;
            JObject Config() => config ??= ConfigStore.Read(path);

            string? key = Environment.GetEnvironmentVariable(KeyEnv);
            string source = $"environment ({KeyEnv})";
            if (string.IsNullOrEmpty(key))
            {
                key = ConfigStore.Resolve(Config(), "api_key", path);
                source = ConfigStore.IsReference((string?)Config()["api_key"], out var name) ? $"config ({path}, via ${{{name}}})" : $"config ({path})";
            }
            if (string.IsNullOrEmpty(key))
            {
                var none = Errors.Terminating(ErrorIds.NoApiKey, ErrorCategory.AuthenticationError,
                    $"No ClawdTalk API key: none was set with Connect-ClawdTalk, in {KeyEnv} or in the configuration file ({path}).");
                none.RecommendedAction = ApiClient.KeyAdvice;
                throw none;
            }

            var apiBase = ApiBaseFrom(Environment.GetEnvironmentVariable(UrlEnv), isFullBase: true)
                          ?? ApiBaseFrom(ConfigStore.Resolve(Config(), "server", path), isFullBase: false)
                          ?? ApiBaseFrom(DefaultServer, isFullBase: false)!;
            CheckSecure(apiBase, allowInsecure: false);
            return new ClawdTalkConnection(apiBase, key!, source);
        }

        /// <summary>
        /// `CLAWDTALK_API_URL` is the whole REST base (`/v1` included); a server (config `server`, `-Server`) is the root,
        /// to which `/v1` is added unless it already ends with it.
        /// </summary>
        public static Uri? ApiBaseFrom(string? text, bool isFullBase)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var uri = ParseServer(text!);
            if (isFullBase) return uri;
            var s = uri.AbsoluteUri.TrimEnd('/');
            return s.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? new Uri(s + "/") : new Uri(s + "/v1/");
        }

        public static Uri ParseServer(string text)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
                throw Errors.Terminating(ErrorIds.InvalidServerUrl, ErrorCategory.InvalidArgument,
                    $"'{text}' is not an http:// or https:// URL.", text);
            if (!string.IsNullOrEmpty(uri.UserInfo))
                throw Errors.Terminating(ErrorIds.InvalidServerUrl, ErrorCategory.InvalidArgument, "The server URL must not carry credentials.", uri.Host);
            return uri;
        }

        /// <summary>Plain http:// only to a loopback address, unless the user said -AllowInsecure.</summary>
        public static void CheckSecure(Uri uri, bool allowInsecure)
        {
            if (uri.Scheme == Uri.UriSchemeHttps || allowInsecure || IsLoopback(uri)) return;
            throw Errors.Terminating(ErrorIds.InsecureServer, ErrorCategory.SecurityError,
                $"Refusing to send the API key over plain http:// to {uri.Host}. Use https://, a loopback address, or -AllowInsecure.", uri.Host);
        }

        public static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
