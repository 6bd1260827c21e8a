namespace ClawdTalk.Commands.Calls
{
    /// <summary>How the calls, SMS and approval cmdlets show a text in one line.</summary>
    internal static class CommsResponses
    {
        /// <summary>A one-line preview of a text: whitespace collapsed, cut with an ellipsis.</summary>
        public static string Preview(string? text, int max)
        {
            var s = string.Join(" ", (text ?? "").Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            return s.Length <= max ? s : s.Substring(0, Math.Max(0, max - 1)) + "…";
        }
    }
}
