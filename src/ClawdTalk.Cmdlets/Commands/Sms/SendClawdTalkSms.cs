using ClawdTalk.Commands.Calls;
using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Sms
{
    /// <summary>
    /// Sends a text (`POST /messages/send`) to each recipient, from the pipeline or -To. Billable: ShouldProcess with
    /// ConfirmImpact High, -Force. The message, media URLs and every number are checked before anything is sent.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "ClawdTalkSms", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(SmsMessage))]
    public sealed class SendClawdTalkSmsCommand : ClawdTalkCmdlet
    {
        /// <summary>The longest text accepted: ten concatenated SMS segments.</summary>
        internal const int MaxMessageLength = 1600;
        internal const int MaxMediaUrls = 10;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PhoneNumber", "Number", "Contact")]
        [ArgumentCompleter(typeof(ContactCompleter))]
        public string[] To { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Body", "Text")]
        [AllowEmptyString]
        [AllowNull]
        public string? Message { get; set; }

        /// <summary>Absolute http(s) URLs of pictures or files to attach (MMS).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("MediaUrls")]
        [AllowEmptyCollection]
        public string[]? MediaUrl { get; set; }

        [Parameter] public SwitchParameter Force { get; set; }

        readonly HashSet<string> _sent = new HashSet<string>(StringComparer.Ordinal);

        protected override void Begin()
        {
            // values given on the command line are checked once, before any recipient arrives: nothing can be sent
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Message))) CheckMessage(Message);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(MediaUrl))) CheckMedia(MediaUrl);
        }

        protected override void Process()
        {
            var message = CheckMessage(Message);
            var media = CheckMedia(MediaUrl);
            // every recipient of this record is checked before the first is sent
            var numbers = new List<string>();
            foreach (var raw in To ?? Array.Empty<string>())
            {
                try { numbers.Add(E164.Normalize(raw, "recipient number")); }
                catch (ClawdTalkException ex) { WriteError(ex); }
            }
            foreach (var to in numbers)
            {
                var key = to + "\n" + message + "\n" + string.Join("\n", media);
                if (!_sent.Add(key))
                {
                    WriteWarning($"Skipped {to}: this command already sent it the same message.");
                    continue;
                }
                try
                {
                    if (!Confirmed(Force, to, $"Send a text of {message.Length} characters" + (media.Length > 0 ? $" with {media.Length} attachment(s)" : "") + " (billable)"))
                    {
                        _sent.Remove(key);
                        continue;
                    }
                    WriteObject(Send(to, message, media));
                }
                catch (ClawdTalkException ex)
                {
                    WriteError(ex);
                }
            }
        }

        SmsMessage Send(string to, string message, string[] media)
        {
            var sms = Run(ct => Comms.SendSmsAsync(to, message, media, ct));
            Session.Feature(() => new CommsHistory()).Contact(to, "texted: " + CommsResponses.Preview(message, 40));
            WriteVerbose($"Sent {message.Length} characters to {to}" + (sms.MessageId != null ? $" (message {sms.MessageId})." : "."));
            return sms;
        }

        internal static string CheckMessage(string? message)
        {
            if (message == null || message.Trim().Length == 0)
                throw Errors.Invalid(ErrorIds.EmptyMessage, "The message is empty; nothing was sent.", message);
            if (message.Length > MaxMessageLength)
                throw Errors.Invalid(ErrorIds.MessageTooLong, $"The message has {message.Length} characters; at most {MaxMessageLength} can be sent. Nothing was sent.", message.Length);
            return message;
        }

        internal static string[] CheckMedia(string[]? urls)
        {
            if (urls == null || urls.Length == 0) return Array.Empty<string>();
            if (urls.Length > MaxMediaUrls)
                throw Errors.Invalid(ErrorIds.TooManyMediaUrls, $"{urls.Length} media URLs given; at most {MaxMediaUrls} can be attached. Nothing was sent.", urls.Length);
            var result = new string[urls.Length];
            for (var i = 0; i < urls.Length; i++)
            {
                var u = (urls[i] ?? "").Trim();
                if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                    || string.IsNullOrEmpty(uri.Host) || uri.IsFile || u.IndexOfAny(new[] { ' ', '\t', '\r', '\n' }) >= 0)
                    throw Errors.Invalid(ErrorIds.InvalidMediaUrl, $"The media URL '{urls[i]}' is not an absolute http:// or https:// URL the service could fetch. Nothing was sent.", urls[i]);
                result[i] = uri.AbsoluteUri;
            }
            return result;
        }
    }
}
