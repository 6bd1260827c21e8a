using System.Runtime.InteropServices;
using System.Security;

namespace ClawdTalk.Config
{
    internal static class SecureText
    {
        public static string ToPlain(SecureString secure)
        {
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(ptr) ?? "";
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <summary>A key or token must be non-empty printable text without spaces.</summary>
        public static bool IsPlausibleSecret(string s)
        {
            if (s.Length == 0 || s.Length > 4096) return false;
            foreach (var c in s) if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
            return true;
        }
    }
}
