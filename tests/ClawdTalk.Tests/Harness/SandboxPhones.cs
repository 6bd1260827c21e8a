namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// The phone numbers the sandbox seeds and its magic callees (src/ClawdTalk.Sandbox/README.md, "Seed account" and
    /// "Magic numbers"). All are in the 555-01xx range of a real area code, so the module accepts them.
    /// </summary>
    public static class SandboxPhones
    {
        /// <summary>The owner's phone: what Start-ClawdTalkCall with no -To calls (free-plan calls may only go there).</summary>
        public const string Owner = "+12125550199";

        /// <summary>The seeded voice number (ph_000001, conn_seed_voice): calls and texts come from it.</summary>
        public const string CallsFrom = "+12125550101";

        /// <summary>The seeded SMS number (ph_000002, conn_seed_sms).</summary>
        public const string Sms = "+12125550102";

        /// <summary>The account's dedicated number (ph_000003), free until assigned.</summary>
        public const string Dedicated = "+12125550103";

        /// <summary>Callees by outcome (the last four digits decide): answered, no-answer, busy, voicemail, failed (SMS too).</summary>
        public const string Answers = "+13035550101";
        public const string NoAnswer = "+12125550001";
        public const string Busy = "+12125550002";
        public const string Voicemail = "+12125550003";
        public const string Fails = "+12125550004";

        /// <summary>No answer at the first attempt to this number (since the last reset), answered at later ones.</summary>
        public const string AnswersOnRetry = "+12125550005";
    }
}
