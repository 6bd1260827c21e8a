using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Numbers
{
    /// <summary>The account's phone numbers (`GET /numbers/account-phones`); -Available keeps those not assigned to an assistant.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkPhoneNumber")]
    [OutputType(typeof(AccountPhoneNumber))]
    public sealed class GetClawdTalkPhoneNumberCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Number")]
        public string[]? PhoneNumber { get; set; }

        [Parameter]
        public SwitchParameter Available { get; set; }

        protected override void Process()
        {
            var wanted = (PhoneNumber ?? Array.Empty<string>()).Select(n => E164.Normalize(n, "phone number", E164.Strictness.Possible)).ToList();
            var numbers = Run(ct => Assistants.NumbersAsync(ct)).ToList();
            foreach (var n in numbers)
            {
                if (Available && !n.IsAvailable) continue;
                if (wanted.Count > 0 && !wanted.Contains(Normal(n.PhoneNumber))) continue;
                WriteObject(n);
            }
            foreach (var w in wanted.Where(w => !numbers.Any(n => Normal(n.PhoneNumber) == w)))
                WriteError(new ClawdTalkException(ErrorIds.PhoneNumberNotFound, ErrorCategory.ObjectNotFound, $"The account has no number {w}.", w));
        }

        internal static string Normal(string? n) => E164.TryNormalize(n, out var e, E164.Strictness.Possible) ? e : n ?? "";
    }
}
