using System.Text.RegularExpressions;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The approval gate's classifier: which requests need the owner's approval. Deterministic and local (no network, no
    /// model). It reads the text as <see cref="GateText"/> normalises it (compatibility forms, look-alike letters, case,
    /// accents, letters spelt apart, digits for letters), sentence by sentence and clause by clause, and looks for the
    /// intent to delete or destroy, to spend or move money, to send or post in the owner's name, to reveal a secret or
    /// credential, or to change a system or run a command (<see cref="SensitiveVocabulary"/>), in English, Spanish, French,
    /// German and Portuguese.
    /// <para>
    /// It fails towards asking. The only requests that pass with a sensitive word in them are information questions that
    /// ask for news of the action ("did the payment go through?", "was the old branch deleted?", "what did the deploy log
    /// say?"): a sentence that starts with a question word and holds no request ("can you", "is it possible", "for me",
    /// "I need", "please"…), where the word is not the clause's verb (or only follows "did you", "do I"). Everything else
    /// that names an action asks, whatever its form: "is it possible to wipe…", "what I need is for you to erase…",
    /// "I'd like the logs deleted", "mind deleting…", "I want them gone". Secrets, credentials and shell commands ask even
    /// in questions ("what's my password?"). A word negated right before it ("don't send it") does not count, and neither
    /// does what follows "remind me to" (a reminder, not an action); "do it" or "go ahead" anywhere makes every sensitive
    /// word count.
    /// </para>
    /// Owners add words (any inflection, anywhere, questions included) and remove built-in ones by their base word
    /// (config keys `approval_words_add` / `approval_words_remove`, the -AddApprovalWord / -RemoveApprovalWord parameters),
    /// and <see cref="ApprovalMode.Strict"/> asks for anything that is not a question.
    /// </summary>
    internal sealed class SensitiveActions
    {
        public const string Removal = SensitiveVocabulary.Removal, Money = SensitiveVocabulary.Money, Message = SensitiveVocabulary.Message,
            Secret = SensitiveVocabulary.Secret, System = SensitiveVocabulary.System, Custom = SensitiveVocabulary.Custom, Strict = SensitiveVocabulary.Strict;

        const RegexOptions Opt = RegexOptions.CultureInvariant | RegexOptions.Compiled;

        readonly List<Trigger> _triggers;
        readonly ApprovalMode _mode;

        public SensitiveActions(IEnumerable<string>? add = null, IEnumerable<string>? remove = null, ApprovalMode mode = ApprovalMode.Intent)
        {
            _mode = mode;
            var removed = new HashSet<string>((remove ?? Enumerable.Empty<string>()).Select(Normalize), StringComparer.OrdinalIgnoreCase);
            // owner words first: they name their own category
            _triggers = (add ?? Enumerable.Empty<string>()).Select(Normalize).Where(w => w.Length > 0 && !removed.Contains(w)).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(SensitiveVocabulary.OwnerTrigger).ToList();
            _triggers.AddRange(SensitiveVocabulary.Builtin.Where(t => !removed.Contains(t.Word)));
        }

        /// <summary>The built-in vocabulary in the default mode (no owner words).</summary>
        public static SensitiveActions Default { get; } = new SensitiveActions();

        /// <summary>The base words and phrases the gate knows, for documentation and -RemoveApprovalWord.</summary>
        public static IEnumerable<string> BuiltinWords => SensitiveVocabulary.Words;

        /// <summary>Every inflection of an English verb: the base, -s/-es, the past (regular, doubled or irregular), -ing.</summary>
        public static IEnumerable<string> Inflections(string verb) => SensitiveVocabulary.Inflections(verb);

        static string Normalize(string w) => GateText.Of(w).Plain;

        // ---- sentences, clauses, questions ----

        static readonly Regex SentenceSplit = new Regex(@"(?<=[.!?;\n])\s+|(?<=[!?;\n])|(?<=[.])(?=\s*$)", Opt);
        static readonly Regex ClauseSplit = new Regex(@",|:|\s+(?:and|then|but|also|plus|so|or|y|et|und|e|ou|oder|o|pero|mais|aber|mas|puis|dann|entonces|depois)\s+", Opt);
        static readonly Regex Filler = new Regex(@"^(?:(?:so|ok|okay|hey|hi|hello|and|um|uh|oh|well|right|alright|now|also|yo|listen|quick question|one more thing)\b[\s,]*)+", Opt);
        static readonly Regex QuestionStart = new Regex(
            @"^[¿¡""'(]*(?:what|what's|whats|when|when's|where|where's|who|who's|whom|whose|which|why|how|how's|is|isn't|are|aren't|was|wasn't|were|am|did|didn't|does|doesn't|do|has|hasn't|have|haven't|had|any|anything|anyone|anybody|"
            + @"que|qué|cuando|donde|quien|quienes|cual|cuales|como|cuanto|cuantos|cuanta|hay|esta|estan|es|son|se|tengo|tiene|"
            + @"quel|quelle|quels|quelles|quand|ou|qui|comment|combien|est-ce|y a-t-il|"
            + @"was|wann|wo|wer|wen|wem|welche|welcher|welches|wie|wieviel|wurde|wurden|ist|sind|hat|haben|gibt|"
            + @"o que|quando|onde|quem|qual|quais|quanto|quantos|tem|foi|sao|existe)\b", Opt);
        // what turns a question into a request: "can you", "is it possible", "for me", "I need", and their like in the other languages
        static readonly Regex RequestMarker = new Regex(
            @"\b(?:(?:can|could|would|will|won't|can't|cant|couldn't|wouldn't|shall)\s+(?:you|u|ya|we)|(?:you|u)\s+(?:can|could|should|must|need to|have to|might)|"
            + @"please|pls|plz|kindly|is it possible|would it be possible|will it be possible|possible to|any chance|is there (?:a|any) way|how about|what about|why don'?t|why not|"
            + @"i need|i'?d like|i would like|i want|i'?m asking|for me|for you to|are you able|do you mind|would you mind|i was hoping|i'?d love|go ahead|let'?s|"
            + @"make sure|be sure to|do me a favou?r|"
            + @"puedes|podrias|puede usted|podria|seria posible|es posible|necesito|quiero que|me gustaria|por favor|te importaria|"
            + @"peux-tu|peux tu|pourrais-tu|pourrais tu|pourriez-vous|pouvez-vous|tu peux|tu pourrais|s'il te plait|s'il vous plait|j'aimerais|je voudrais|je veux|il faut|"
            + @"kannst du|konntest du|konnen sie|konnten sie|wurdest du|wurden sie|bitte|ware es moglich|ist es moglich|ich mochte|ich will|ich brauche|"
            + @"voce pode|pode|poderia|seria possivel|e possivel|preciso|quero|gostaria|me faz)\b", Opt);
        // do it / go ahead: every sensitive word of the request counts, whatever its form
        static readonly Regex GoAhead = new Regex(
            @"\b(?:do it|do that|do this|go ahead|proceed|make it happen|handle it|take care of it|just do|hazlo|hagalo|adelante|procede|fais-le|fais le|vas-y|allez-y|mach es|mach das|los geht|faca isso|faz isso|pode fazer)\b", Opt);
        // what follows is a reminder for the owner, not something to do now
        static readonly Regex Reminder = new Regex(@"\b(?:remind\s+(?:me|us)\s+(?:to|that|about)|reminder\s+(?:to|that|about|for)|note to self|recuerdame|rappelle-moi|erinnere mich|me lembre|lembre-me)\b.*$", Opt);

        // words before a verb that show it is the clause's verb
        static readonly Regex VerbLead = new Regex(
            @"(?:^|\b(?:to|please|pls|kindly|just|you|u|we|i|me|can|could|would|will|should|must|shall|'ll|let's|lets|and|then|now|also|gonna|wanna|mind|simply|quickly|immediately|first|finally|possibly|actually|really|definitely|go|help|try|start|keep|also)\s+)$", Opt);
        static readonly Regex DoSupport = new Regex(@"\b(?:do|does|did|don't|doesn't|didn't|have|has|had)\s+(?:i|you|we|they|he|she|it|u)\s+$", Opt);
        static readonly Regex Negation = new Regex(@"(?<!\bwhy )\b(?:not|don'?t|do not|never|doesn'?t|won'?t|no|nobody|didn'?t|shouldn'?t|without|stop|no|nunca|ne|pas|nicht|kein|nao)\s+$", Opt);

        sealed class Clause
        {
            public string Text = "";
            public bool Question;
            public bool GoAhead;
        }

        static IEnumerable<Clause> Clauses(string text)
        {
            var goAhead = GoAhead.IsMatch(text);
            foreach (var raw in SentenceSplit.Split(text))
            {
                var sentence = raw.Trim();
                if (sentence.Length == 0) continue;
                var request = RequestMarker.IsMatch(sentence);
                var startsAsQuestion = QuestionStart.IsMatch(Filler.Replace(sentence, ""));
                var question = !request && (startsAsQuestion || sentence.EndsWith("?", StringComparison.Ordinal) && !Imperative(sentence));
                var body = Reminder.Replace(sentence, "");
                foreach (var part in ClauseSplit.Split(body))
                {
                    var c = Filler.Replace(part.Trim().Trim('¿', '¡', '?', '!', '.', '"', '\''), "").Trim();
                    if (c.Length > 0) yield return new Clause { Text = c, Question = question, GoAhead = goAhead };
                }
            }
        }

        /// <summary>A sentence that opens with a verb of the vocabulary is a command even with a question mark ("Empty the trash?").</summary>
        static bool Imperative(string sentence)
        {
            var first = Filler.Replace(sentence, "").TrimStart('¿', '¡', '"', '\'');
            return SensitiveVocabulary.Builtin.Any(t => (t.Kind == TriggerKind.Verb || t.Kind == TriggerKind.VerbOnly) && t.Request.Match(first) is { Success: true, Index: 0 });
        }

        /// <summary>A clause that is an information question (Strict mode lets only these through).</summary>
        static bool IsInformationQuestion(Clause c) => c.Question;

        // ---- matching ----

        /// <summary>Where a match stands: the clause's verb, or a word after "did you", or negated.</summary>
        static (bool verb, bool afterDoSupport, bool negated) Position(string clause, int index)
        {
            var before = clause.Substring(0, index);
            return (VerbLead.IsMatch(before), DoSupport.IsMatch(before), Negation.IsMatch(before));
        }

        /// <summary>The category a trigger gives this clause, or null when it does not count here.</summary>
        static string? Counts(Trigger t, Clause c, string clause)
        {
            foreach (Match m in t.Request.Matches(clause))
            {
                var (verb, doSupport, negated) = Position(clause, m.Index);
                if (negated && t.Kind != TriggerKind.Always) continue;
                switch (t.Kind)
                {
                    case TriggerKind.Always:
                        return t.Category;
                    case TriggerKind.Outside:
                        if (!c.Question || c.GoAhead) return t.Category;
                        break;
                    case TriggerKind.Verb:
                        if (!c.Question || c.GoAhead || verb && !doSupport) return t.Category;
                        break;
                    case TriggerKind.VerbOnly:
                        if (c.GoAhead || verb && !(c.Question && doSupport)) return t.Category;
                        break;
                    case TriggerKind.WithObject:
                        if (c.GoAhead || verb && !(c.Question && doSupport))
                        {
                            var rest = clause.Substring(m.Index + m.Length);
                            foreach (var (category, pattern) in SensitiveVocabulary.SensitiveObjects)
                                if (pattern.IsMatch(rest)) return category;
                        }
                        break;
                }
            }
            // the done forms (deleted, paid, torn down) ask for news in a question, and for the action anywhere else
            if (t.Done != null && (!c.Question || c.GoAhead) && t.Kind != TriggerKind.WithObject)
                foreach (Match m in t.Done.Matches(clause))
                    if (!Position(clause, m.Index).negated) return t.Category;
            return null;
        }

        /// <summary>The sensitive action a text names (for the approval's details and the wording), or null.</summary>
        public string? Match(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var read = GateText.Of(text);
            foreach (var form in read.Forms)
            {
                var clauses = Clauses(form).ToList();
                foreach (var c in clauses)
                    foreach (var t in _triggers)
                        if (Counts(t, c, c.Text) is string category) return category;
                // a phrase may span a clause break ("change, right now, the admin password"): the whole text, as one clause
                var whole = new Clause { Text = form, Question = clauses.Count > 0 && clauses.All(c => c.Question), GoAhead = GoAhead.IsMatch(form) };
                foreach (var t in _triggers.Where(t => t.Kind == TriggerKind.Always || t.Kind == TriggerKind.WithObject))
                    if (Counts(t, whole, form) is string category) return category;
                if (_mode == ApprovalMode.Strict && clauses.Any(c => !IsInformationQuestion(c))) return Strict;
            }
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
                    throw Api.Errors.Terminating(ErrorIds.InvalidApprovalWord, System.Management.Automation.ErrorCategory.InvalidArgument,
                        $"'{w}' is not an approval word: use letters, digits, spaces, hyphens or apostrophes (at most 60 characters).", w);
                if (!list.Contains(n)) list.Add(n);
            }
            return list.ToArray();
        }
    }
}
