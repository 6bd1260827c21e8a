using System;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>Distinctive secrets, so the scanner can find them anywhere they leak.</summary>
    public static class Keys
    {
        public static string NewApiKey() => "ctk_test_" + Guid.NewGuid().ToString("N");
        public static string NewGatewayToken() => "gwt_test_" + Guid.NewGuid().ToString("N");
    }
}

namespace ClawdTalk.Tests.Harness
{
    public static class SecureStrings
    {
        public static System.Security.SecureString From(string text)
        {
            var s = new System.Security.SecureString();
            foreach (var c in text) s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }
    }
}
