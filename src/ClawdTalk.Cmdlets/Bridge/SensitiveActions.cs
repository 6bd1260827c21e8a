using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Which requests name a destructive or outward-facing action, and so need the owner's approval: removal and
    /// destruction, messages to others, money, code and infrastructure, access, and the contract's writes and repository
    /// changes. Words match with their inflections (delete, deletes, deleted, deleting) and as whole words only
    /// ("undeleted", "pushover" do not match).
    /// <para>
    /// Two guards keep ordinary questions out: a request is read clause by clause, and a clause that asks for information
    /// (it starts with what, how, when, is, did… and holds no "can you", "please") never asks for approval, so "how is the
    /// deployment going?" goes straight to the agent while "can you deploy it?" does not. Words that are also common nouns
    /// (text, email, post, order, book, share, push, commit, release, drop…) count only where they are the clause's verb:
    /// at its start, after "please", "can you", "I want you to", "go ahead and", or after "to".
    /// </para>
    /// Owners add words (any inflection matches, anywhere in a clause) and remove built-in ones (by their base word or
    /// phrase) with the config keys `approval_words_add` / `approval_words_remove` or Start-ClawdTalkBridge -AddApprovalWord / -RemoveApprovalWord (also Set-ClawdTalkConfiguration).
    /// </summary>
    internal sealed class SensitiveActions
    {
        const RegexOptions Opt = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        public const string Removal = "delete or destroy something", Message = "send a message to someone", Money = "spend or move money",
            Code = "change code or infrastructure", Access = "change access or security settings", Write = "write or change files", Custom = "do something you marked as needing approval";

        sealed class Rule
        {
            public string Word = "", Category = "";
            public bool VerbOnly;
            public Regex Pattern = null!;
        }

        // (base word or phrase, category, verb position only)
        static readonly (string Word, string Category, bool VerbOnly)[] Builtin =
        {
            ("delete", Removal, false), ("remove", Removal, false), ("drop", Removal, true), ("destroy", Removal, false), ("wipe", Removal, false),
            ("erase", Removal, false), ("truncate", Removal, false), ("purge", Removal, false), ("kill", Removal, true), ("terminate", Removal, false),
            ("shut down", Removal, false), ("reset", Removal, true), ("revoke", Removal, false), ("disable", Removal, false), ("get rid of", Removal, false),
            ("send", Message, false), ("forward", Message, true), ("reply", Message, true), ("email", Message, true), ("e-mail", Message, true),
            ("text", Message, true), ("message", Message, true), ("dm", Message, true), ("post", Message, true), ("tweet", Message, false),
            ("retweet", Message, false), ("publish", Message, false), ("share", Message, true), ("invite", Message, true),
            ("pay", Money, true), ("transfer", Money, false), ("wire", Money, true), ("buy", Money, false),
            ("purchase", Money, false), ("order", Money, true), ("book", Money, true), ("subscribe", Money, false), ("refund", Money, false),
            ("deploy", Code, false), ("push", Code, true), ("force-push", Code, false), ("force push", Code, false), ("merge", Code, false),
            ("commit", Code, true), ("release", Code, true), ("rollback", Code, false), ("roll back", Code, false), ("rebase", Code, false),
            ("revert", Code, true), ("grant", Access, false), ("write", Write, true), ("overwrite", Write, false),
        };

        // phrases that need their object to be sensitive: cancelling a subscription, changing a password, repository changes
        static readonly (string Word, string Category, Regex Pattern)[] Phrases =
        {
            ("make a payment", Money, new Regex(@"\b(make|makes|made|making|send|sends|process|processes|submit|submits)\b[^.?!]{0,20}?\bpayments?\b", Opt)),
            ("cancel a subscription", Money, new Regex(@"\bcancel(s|led|ed|ling|ing)?\b[^.?!]{0,40}?\b(subscriptions?|memberships?|plans?|orders?|bookings?|reservations?)\b", Opt)),
            ("change access", Access, new Regex(@"\b(change|changes|changed|changing|reset|resets|resetting|rotate|rotates|rotated|rotating|update|updates|updated|updating)\b[^.?!]{0,40}?\b(passwords?|passcodes?|keys?|api keys?|tokens?|credentials?|permissions?|settings?|access|roles?|2fa|mfa)\b", Opt)),
            ("repository change", Code, new Regex(@"\b(create|creates|rename|renames|archive|archives|fork|change|changes|modify|modifies|update|updates|close|closes)\b[^.?!]{0,40}?\b(repo|repos|repository|repositories|branch|branches|pull request|pr|issue|issues)\b", Opt)),
            ("git", Code, new Regex(@"\bgit\s+(reset|tag|push|branch\s+-d)\b", Opt)),
        };

        static readonly Regex ClauseSplit = new Regex(@"[.;!?\n]+|,|\b(?:and|then|but|also)\b", Opt);
        static readonly Regex Informational = new Regex(
            @"^\s*(?:(?:so|ok|okay|hey|and|um|uh)\s+)*(?:what|what's|whats|how|how's|hows|when|where|where's|why|who|who's|whose|which|is|are|was|were|did|does|do|has|have|had|any)\b", Opt);
        static readonly Regex RequestMarker = new Regex(@"\b(?:can|could|would|will) you\b|\bplease\b|\bdon'?t you\b|\bgo ahead\b|\bi want you\b|\bi need you\b", Opt);
        const string VerbLead = @"(?:^\s*(?:(?:please|kindly|now|just|ok|okay|so|hey\s+\w+|(?:can|could|would|will)\s+you|i\s+(?:want|need|would\s+like|'d\s+like)(?:\s+you)?\s+to|go\s+ahead\s+and|you\s+should|let'?s)\s+)*|\bto\s+)";

        static readonly Dictionary<string, string[]> Irregular = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["send"] = new[] { "sent" }, ["pay"] = new[] { "paid" }, ["buy"] = new[] { "bought" }, ["get"] = new[] { "got", "gotten" },
            ["shut"] = new[] { "shut" }, ["write"] = new[] { "wrote", "written" }, ["overwrite"] = new[] { "overwrote", "overwritten" },
            ["reset"] = new[] { "reset" }, ["cancel"] = new[] { "cancelled", "cancelling" },
        };
        static readonly HashSet<string> Doubling = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            { "drop", "commit", "transfer", "shut", "get", "reset", "cancel", "stop", "ship", "submit", "dm", "set", "roll" };

        readonly List<Rule> _rules;

        public SensitiveActions(IEnumerable<string>? add = null, IEnumerable<string>? remove = null)
        {
            var removed = new HashSet<string>((remove ?? Enumerable.Empty<string>()).Select(Normalize), StringComparer.OrdinalIgnoreCase);
            _rules = Builtin.Where(b => !removed.Contains(b.Word)).Select(b => Make(b.Word, b.Category, b.VerbOnly)).ToList();
            foreach (var w in (add ?? Enumerable.Empty<string>()).Select(Normalize).Where(w => w.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
                if (!removed.Contains(w)) _rules.Add(Make(w, Custom, false));
            _phrases = Phrases.Where(p => !removed.Contains(p.Word)).ToArray();
        }

        readonly (string Word, string Category, Regex Pattern)[] _phrases;

        /// <summary>The built-in vocabulary (no owner words).</summary>
        public static SensitiveActions Default { get; } = new SensitiveActions();

        /// <summary>The base words and phrases the gate knows, for documentation and `-ApprovalWord` checks.</summary>
        public static IEnumerable<string> BuiltinWords => Builtin.Select(b => b.Word).Concat(Phrases.Select(p => p.Word));

        static string Normalize(string w) => Regex.Replace((w ?? "").Trim().ToLowerInvariant(), @"\s+", " ");

        /// <summary>Every inflection of a verb: the base, -s/-es, the past (regular, doubled or irregular), -ing.</summary>
        public static IEnumerable<string> Inflections(string verb)
        {
            var v = verb.ToLowerInvariant();
            var forms = new List<string> { v };
            if (Irregular.TryGetValue(v, out var irregular)) forms.AddRange(irregular);
            var vowel = "aeiou".IndexOf(v.Length > 1 ? v[v.Length - 2] : 'x') >= 0;
            if (v.EndsWith("e", StringComparison.Ordinal)) forms.AddRange(new[] { v + "s", v + "d", v.Substring(0, v.Length - 1) + "ing" });
            else if (v.EndsWith("y", StringComparison.Ordinal) && !vowel) forms.AddRange(new[] { v.Substring(0, v.Length - 1) + "ies", v.Substring(0, v.Length - 1) + "ied", v + "ing" });
            else if (Regex.IsMatch(v, "(s|sh|ch|x|z)$")) forms.AddRange(new[] { v + "es", v + "ed", v + "ing" });
            else
            {
                var last = v[v.Length - 1];
                forms.Add(v + "s");
                if (Doubling.Contains(v)) forms.AddRange(new[] { v + last + "ed", v + last + "ing", v + "ed", v + "ing" });
                else forms.AddRange(new[] { v + "ed", v + "ing" });
            }
            return forms.Distinct();
        }

        static Rule Make(string word, string category, bool verbOnly)
        {
            // a phrase inflects its first word: shut down, shuts down, shutting down; get rid of, got rid of
            var parts = word.Split(' ');
            var head = string.Join("|", Inflections(parts[0]).OrderByDescending(f => f.Length).Select(Regex.Escape));
            var tail = string.Concat(parts.Skip(1).Select(p => @"\s+" + Regex.Escape(p)));
            var forms = $"(?:{head}){tail}";
            var pattern = verbOnly ? $"{VerbLead}(?:please\\s+)?(?:{forms})\\b" : $"(?<![\\w-])(?:{forms})(?![\\w-])";
            return new Rule { Word = word, Category = category, VerbOnly = verbOnly, Pattern = new Regex(pattern, Opt) };
        }

        /// <summary>A clause that asks for information and holds no request ("can you", "please").</summary>
        static bool IsQuestion(string clause) => Informational.IsMatch(clause) && !RequestMarker.IsMatch(clause);

        /// <summary>The sensitive action a text names (for the approval's details and the wording), or null.</summary>
        public string? Match(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            foreach (var clause in ClauseSplit.Split(text!))
            {
                if (clause.Trim().Length == 0 || IsQuestion(clause)) continue;
                foreach (var r in _rules)
                    if (r.Pattern.IsMatch(clause)) return r.Category;
                foreach (var (_, category, pattern) in _phrases)
                    if (pattern.IsMatch(clause)) return category;
            }
            // phrases may span a clause break ("change, right now, the admin password")
            if (!IsQuestion(text!))
                foreach (var (_, category, pattern) in _phrases)
                    if (pattern.IsMatch(text!)) return category;
            return null;
        }
    }
}

namespace ClawdTalk.Bridge
{
    /// <summary>The owner's approval words as given to a cmdlet: checked and normalised once, for the config and the bridge alike.</summary>
    internal static class ApprovalWords
    {
        static readonly Regex Valid = new Regex(@"^[\p{L}\p{N}][\p{L}\p{N}' -]{0,59}$", RegexOptions.CultureInvariant);

        public static string[] Checked(IEnumerable<string> words)
        {
            var list = new List<string>();
            foreach (var w in words)
            {
                var n = Regex.Replace((w ?? "").Trim().ToLowerInvariant(), @"\s+", " ");
                if (!Valid.IsMatch(n))
                    throw Api.Errors.Terminating("InvalidApprovalWord", System.Management.Automation.ErrorCategory.InvalidArgument,
                        $"'{w}' is not an approval word: use letters, digits, spaces, hyphens or apostrophes (at most 60 characters).", w);
                if (!list.Contains(n)) list.Add(n);
            }
            return list.ToArray();
        }
    }
}
