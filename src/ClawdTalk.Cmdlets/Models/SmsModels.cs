using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    public enum SmsDirection { Inbound, Outbound }

    /// <summary>One text message, sent or received.</summary>
    public sealed class SmsMessage
    {
        public string? MessageId { get; internal set; }
        public SmsDirection? Direction { get; internal set; }
        public string? From { get; internal set; }
        public string? To { get; internal set; }
        /// <summary>The other party: the sender of an inbound message, the recipient of an outbound one.</summary>
        public string? Contact { get; internal set; }
        /// <summary>The whole text (table views show a one-line preview).</summary>
        public string Body { get; internal set; } = "";
        public string? Status { get; internal set; }
        public string[] MediaUrls { get; internal set; } = Array.Empty<string>();
        public DateTimeOffset? CreatedAt { get; internal set; }
        /// <summary>The service's JSON for the message, every field included.</summary>
        public object? Raw { get; internal set; }

        public override string ToString() => Body;

        internal static SmsMessage FromJson(JObject o, SmsDirection? fallbackDirection = null, string? fallbackTo = null, string? fallbackBody = null,
            string[]? fallbackMedia = null)
        {
            var dirText = Json.Str(o, "direction");
            SmsDirection? direction = dirText == null ? fallbackDirection
                : dirText.StartsWith("in", StringComparison.OrdinalIgnoreCase) ? SmsDirection.Inbound
                : dirText.StartsWith("out", StringComparison.OrdinalIgnoreCase) ? SmsDirection.Outbound : fallbackDirection;
            var from = Json.Str(o, "from", "from_number");
            var to = Json.Str(o, "to", "to_number") ?? fallbackTo;
            var media = (o["media_urls"] ?? o["media"]) is JArray a ? a.Select(t => t.Type == JTokenType.Object ? Json.Str((JObject)t, "url") : (string?)t)
                .Where(u => !string.IsNullOrEmpty(u)).Select(u => u!).ToArray() : fallbackMedia ?? Array.Empty<string>();
            return new SmsMessage
            {
                MessageId = Json.Str(o, "id", "message_id"),
                Direction = direction,
                From = from,
                To = to,
                Contact = Json.Str(o, "contact") ?? (direction == SmsDirection.Inbound ? from : to),
                Body = Json.Str(o, "body", "message", "text") ?? fallbackBody ?? "",
                Status = Json.Str(o, "status"),
                MediaUrls = media,
                CreatedAt = Json.Date(o, "created_at", "sent_at", "received_at", "timestamp"),
                Raw = Json.ToPowerShell(o),
            };
        }
    }

    /// <summary>The latest message with one contact (`GET /messages/conversations`).</summary>
    public sealed class SmsConversation
    {
        public string Contact { get; internal set; } = "";
        public SmsMessage? LastMessage { get; internal set; }
        public DateTimeOffset? LastMessageAt { get; internal set; }
        /// <summary>How many messages the conversation holds, when the service says.</summary>
        public int? MessageCount { get; internal set; }
        public object? Raw { get; internal set; }

        public override string ToString() => Contact;

        internal static SmsConversation FromJson(JObject o)
        {
            SmsMessage? last = null;
            var lm = o["last_message"];
            if (lm is JObject lo) last = SmsMessage.FromJson(lo);
            else if (lm != null && lm.Type == JTokenType.String) last = new SmsMessage { Body = (string?)lm ?? "" };
            var contact = Json.Str(o, "contact", "phone_number", "number") ?? last?.Contact ?? "";
            if (last != null && last.Contact == null) last.Contact = contact;
            return new SmsConversation
            {
                Contact = contact,
                LastMessage = last,
                LastMessageAt = Json.Date(o, "last_message_at", "updated_at") ?? last?.CreatedAt,
                MessageCount = Json.Int(o, "message_count", "count", "total"),
                Raw = Json.ToPowerShell(o),
            };
        }
    }
}
