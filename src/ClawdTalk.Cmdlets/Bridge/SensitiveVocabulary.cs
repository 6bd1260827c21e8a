using System.Text.RegularExpressions;

namespace ClawdTalk.Bridge
{
    /// <summary>How a word of the gate's vocabulary counts (see <see cref="SensitiveActions"/>).</summary>
    internal enum TriggerKind
    {
        /// <summary>A verb that names a sensitive action whatever its object: delete, transfer, deploy, borrar, löschen.</summary>
        Verb,
        /// <summary>A verb that is also a common noun (text, post, order, drop, book): counts only where it is the clause's verb.</summary>
        VerbOnly,
        /// <summary>An everyday verb (set, give, open, move) that counts only with a sensitive object in its clause.</summary>
        WithObject,
        /// <summary>A pattern that counts wherever it appears, in questions too: a secret, a credential, a shell command.</summary>
        Always,
        /// <summary>A pattern that counts outside information questions: an amount of money, "gone", "disappear".</summary>
        Outside,
    }

    internal sealed class Trigger
    {
        public string Word = "", Category = "";
        public TriggerKind Kind;
        /// <summary>Request forms: base, -s, -ing (and for other languages the forms a request takes).</summary>
        public Regex Request = null!;
        /// <summary>Done forms (English past and participle): count outside information questions only. Null when none.</summary>
        public Regex? Done;
    }

    /// <summary>
    /// The gate's built-in vocabulary, by category: English verbs with their inflections, phrases, and the imperative,
    /// infinitive and subjunctive forms of Spanish, French, German and Portuguese verbs (accents off, as
    /// <see cref="GateText"/> reads them). Written by hand: no stemmer is reachable here except Lucene.Net's beta
    /// analyzers, a search engine of several megabytes for five stem tables; the forms below are the ones a request takes.
    /// </summary>
    internal static class SensitiveVocabulary
    {
        public const string Removal = "delete or destroy something", Money = "spend or move money", Message = "send or post something in your name",
            Secret = "reveal a secret or credential", System = "change a system or its settings, or run a command",
            Custom = "do something you marked as needing approval", Strict = "act on your behalf (you asked to approve anything that is not a question)";

        const RegexOptions Opt = RegexOptions.CultureInvariant | RegexOptions.Compiled;

        // English verbs: (base word or phrase, category, kind). Phrases inflect their first word.
        static readonly (string Word, string Category, TriggerKind Kind)[] English =
        {
            // deleting and destroying
            ("delete", Removal, TriggerKind.Verb), ("remove", Removal, TriggerKind.Verb), ("destroy", Removal, TriggerKind.Verb), ("wipe", Removal, TriggerKind.Verb),
            ("erase", Removal, TriggerKind.Verb), ("truncate", Removal, TriggerKind.Verb), ("purge", Removal, TriggerKind.Verb), ("nuke", Removal, TriggerKind.Verb),
            ("obliterate", Removal, TriggerKind.Verb), ("shred", Removal, TriggerKind.Verb), ("terminate", Removal, TriggerKind.Verb), ("uninstall", Removal, TriggerKind.Verb),
            ("unsubscribe", Removal, TriggerKind.Verb), ("cancel", Removal, TriggerKind.Verb), ("scrap", Removal, TriggerKind.Verb), ("zap", Removal, TriggerKind.Verb),
            ("overwrite", Removal, TriggerKind.Verb), ("discard", Removal, TriggerKind.Verb), ("demolish", Removal, TriggerKind.Verb), ("annihilate", Removal, TriggerKind.Verb),
            ("eradicate", Removal, TriggerKind.Verb), ("expunge", Removal, TriggerKind.Verb), ("unlink", Removal, TriggerKind.Verb), ("deactivate", Removal, TriggerKind.Verb),
            ("shut down", Removal, TriggerKind.Verb), ("shut off", Removal, TriggerKind.Verb), ("tear down", Removal, TriggerKind.Verb), ("take down", Removal, TriggerKind.Verb),
            ("blow away", Removal, TriggerKind.Verb), ("get rid of", Removal, TriggerKind.Verb), ("throw away", Removal, TriggerKind.Verb), ("throw out", Removal, TriggerKind.Verb),
            ("clear out", Removal, TriggerKind.Verb), ("clean out", Removal, TriggerKind.Verb), ("wipe out", Removal, TriggerKind.Verb), ("factory reset", Removal, TriggerKind.Verb),
            ("drop", Removal, TriggerKind.VerbOnly), ("kill", Removal, TriggerKind.VerbOnly), ("empty", Removal, TriggerKind.VerbOnly), ("trash", Removal, TriggerKind.VerbOnly),
            ("clear", Removal, TriggerKind.VerbOnly), ("format", Removal, TriggerKind.VerbOnly), ("bin", Removal, TriggerKind.VerbOnly), ("dump", Removal, TriggerKind.VerbOnly),
            ("reset", Removal, TriggerKind.Verb), ("revoke", Removal, TriggerKind.Verb), ("disable", Removal, TriggerKind.Verb),
            // money
            ("pay", Money, TriggerKind.Verb), ("transfer", Money, TriggerKind.Verb), ("buy", Money, TriggerKind.Verb), ("purchase", Money, TriggerKind.Verb),
            ("sell", Money, TriggerKind.Verb), ("donate", Money, TriggerKind.Verb), ("refund", Money, TriggerKind.Verb), ("subscribe", Money, TriggerKind.Verb),
            ("renew", Money, TriggerKind.Verb), ("upgrade", Money, TriggerKind.Verb), ("spend", Money, TriggerKind.Verb), ("invest", Money, TriggerKind.Verb),
            ("withdraw", Money, TriggerKind.Verb), ("reimburse", Money, TriggerKind.Verb), ("pay off", Money, TriggerKind.Verb), ("cash out", Money, TriggerKind.Verb),
            ("sign up", Money, TriggerKind.Verb), ("check out", Money, TriggerKind.VerbOnly), ("lend", Money, TriggerKind.Verb), ("loan", Money, TriggerKind.VerbOnly),
            ("wire", Money, TriggerKind.VerbOnly), ("order", Money, TriggerKind.VerbOnly), ("book", Money, TriggerKind.VerbOnly), ("tip", Money, TriggerKind.VerbOnly),
            ("charge", Money, TriggerKind.VerbOnly), ("bid", Money, TriggerKind.VerbOnly), ("approve", Money, TriggerKind.VerbOnly), ("venmo", Money, TriggerKind.VerbOnly),
            ("reserve", Money, TriggerKind.VerbOnly), ("rent", Money, TriggerKind.VerbOnly), ("hire", Money, TriggerKind.VerbOnly),
            // sending and posting as the owner
            ("send", Message, TriggerKind.Verb), ("tweet", Message, TriggerKind.Verb), ("retweet", Message, TriggerKind.Verb), ("publish", Message, TriggerKind.Verb),
            ("announce", Message, TriggerKind.Verb), ("submit", Message, TriggerKind.Verb), ("rsvp", Message, TriggerKind.Verb), ("broadcast", Message, TriggerKind.Verb),
            ("unfollow", Message, TriggerKind.Verb), ("notify", Message, TriggerKind.Verb), ("mass-email", Message, TriggerKind.Verb),
            ("email", Message, TriggerKind.VerbOnly), ("e-mail", Message, TriggerKind.VerbOnly), ("text", Message, TriggerKind.VerbOnly), ("message", Message, TriggerKind.VerbOnly),
            ("dm", Message, TriggerKind.VerbOnly), ("post", Message, TriggerKind.VerbOnly), ("reply", Message, TriggerKind.VerbOnly), ("respond", Message, TriggerKind.VerbOnly),
            ("forward", Message, TriggerKind.VerbOnly), ("share", Message, TriggerKind.VerbOnly), ("invite", Message, TriggerKind.VerbOnly), ("comment", Message, TriggerKind.VerbOnly),
            ("accept", Message, TriggerKind.VerbOnly), ("decline", Message, TriggerKind.VerbOnly), ("sign", Message, TriggerKind.VerbOnly), ("call", Message, TriggerKind.VerbOnly),
            ("like", Message, TriggerKind.VerbOnly), ("follow", Message, TriggerKind.VerbOnly), ("upload", Message, TriggerKind.VerbOnly), ("review", Message, TriggerKind.VerbOnly),
            ("confirm", Message, TriggerKind.VerbOnly), ("schedule", Message, TriggerKind.VerbOnly), ("fax", Message, TriggerKind.VerbOnly), ("mail", Message, TriggerKind.VerbOnly),
            // systems, configuration, code and commands
            ("deploy", System, TriggerKind.Verb), ("merge", System, TriggerKind.Verb), ("rebase", System, TriggerKind.Verb), ("rollback", System, TriggerKind.Verb),
            ("roll back", System, TriggerKind.Verb), ("force-push", System, TriggerKind.Verb), ("force push", System, TriggerKind.Verb), ("execute", System, TriggerKind.Verb),
            ("exec", System, TriggerKind.Verb), ("install", System, TriggerKind.Verb), ("reinstall", System, TriggerKind.Verb), ("downgrade", System, TriggerKind.Verb),
            ("restart", System, TriggerKind.Verb), ("reboot", System, TriggerKind.Verb), ("unlock", System, TriggerKind.Verb), ("grant", System, TriggerKind.Verb),
            ("rotate", System, TriggerKind.Verb), ("change", System, TriggerKind.Verb), ("modify", System, TriggerKind.Verb), ("edit", System, TriggerKind.Verb),
            ("alter", System, TriggerKind.Verb), ("update", System, TriggerKind.Verb), ("configure", System, TriggerKind.Verb), ("reconfigure", System, TriggerKind.Verb),
            ("chmod", System, TriggerKind.Verb), ("chown", System, TriggerKind.Verb), ("sudo", System, TriggerKind.Verb), ("provision", System, TriggerKind.Verb),
            ("migrate", System, TriggerKind.Verb), ("patch", System, TriggerKind.VerbOnly), ("flash", System, TriggerKind.VerbOnly), ("enable", System, TriggerKind.Verb),
            ("turn off", System, TriggerKind.Verb), ("turn on", System, TriggerKind.Verb), ("switch off", System, TriggerKind.Verb), ("switch on", System, TriggerKind.Verb),
            ("spin up", System, TriggerKind.Verb), ("scale up", System, TriggerKind.Verb), ("scale down", System, TriggerKind.Verb), ("power off", System, TriggerKind.Verb),
            ("log out", System, TriggerKind.VerbOnly), ("log in", System, TriggerKind.VerbOnly), ("sign in", System, TriggerKind.VerbOnly), ("sign out", System, TriggerKind.VerbOnly),
            ("push", System, TriggerKind.VerbOnly), ("commit", System, TriggerKind.VerbOnly), ("release", System, TriggerKind.VerbOnly), ("revert", System, TriggerKind.VerbOnly),
            ("ship", System, TriggerKind.VerbOnly), ("lock", System, TriggerKind.VerbOnly), ("block", System, TriggerKind.VerbOnly), ("unblock", System, TriggerKind.Verb),
            ("rename", System, TriggerKind.Verb), ("replace", System, TriggerKind.Verb), ("overclock", System, TriggerKind.Verb),
            // more of each, as a thesaurus gives them
            ("scrub", Removal, TriggerKind.Verb), ("reformat", Removal, TriggerKind.Verb), ("reimage", Removal, TriggerKind.Verb), ("repave", Removal, TriggerKind.Verb),
            ("ditch", Removal, TriggerKind.Verb), ("junk", Removal, TriggerKind.VerbOnly), ("toss", Removal, TriggerKind.VerbOnly), ("axe", Removal, TriggerKind.VerbOnly),
            ("cull", Removal, TriggerKind.Verb), ("prune", Removal, TriggerKind.VerbOnly), ("flush", Removal, TriggerKind.VerbOnly), ("strip", Removal, TriggerKind.VerbOnly),
            ("rip out", Removal, TriggerKind.Verb), ("kill off", Removal, TriggerKind.Verb), ("incinerate", Removal, TriggerKind.Verb), ("vaporize", Removal, TriggerKind.Verb),
            ("eliminate", Removal, TriggerKind.Verb), ("exterminate", Removal, TriggerKind.Verb), ("decommission", Removal, TriggerKind.Verb), ("deprovision", Removal, TriggerKind.Verb),
            ("dismantle", Removal, TriggerKind.Verb), ("invalidate", Removal, TriggerKind.Verb), ("rescind", Removal, TriggerKind.Verb), ("void", Removal, TriggerKind.VerbOnly),
            ("clean up", Removal, TriggerKind.Verb), ("clear away", Removal, TriggerKind.Verb), ("do away with", Removal, TriggerKind.Verb), ("wipe clean", Removal, TriggerKind.Verb),
            ("get rid", Removal, TriggerKind.Verb), ("delist", Removal, TriggerKind.Verb), ("unpublish", Removal, TriggerKind.Verb), ("ban", Removal, TriggerKind.VerbOnly),
            ("kick", Removal, TriggerKind.VerbOnly), ("burn", Removal, TriggerKind.VerbOnly),
            ("fund", Money, TriggerKind.VerbOnly), ("top up", Money, TriggerKind.Verb), ("settle", Money, TriggerKind.VerbOnly), ("pledge", Money, TriggerKind.Verb),
            ("bet", Money, TriggerKind.VerbOnly), ("wager", Money, TriggerKind.Verb), ("gamble", Money, TriggerKind.Verb), ("trade", Money, TriggerKind.VerbOnly),
            ("liquidate", Money, TriggerKind.Verb), ("sponsor", Money, TriggerKind.VerbOnly), ("splurge", Money, TriggerKind.Verb), ("preorder", Money, TriggerKind.Verb),
            ("pre-order", Money, TriggerKind.Verb), ("shell out", Money, TriggerKind.Verb), ("fork over", Money, TriggerKind.Verb), ("cough up", Money, TriggerKind.Verb),
            ("chip in", Money, TriggerKind.Verb), ("lease", Money, TriggerKind.VerbOnly), ("finance", Money, TriggerKind.VerbOnly), ("short", Money, TriggerKind.VerbOnly),
            ("reach out", Message, TriggerKind.Verb), ("ping", Message, TriggerKind.VerbOnly), ("contact", Message, TriggerKind.VerbOnly), ("whatsapp", Message, TriggerKind.VerbOnly),
            ("slack", Message, TriggerKind.VerbOnly), ("congratulate", Message, TriggerKind.Verb), ("apologize", Message, TriggerKind.Verb), ("apologise", Message, TriggerKind.Verb),
("complain", Message, TriggerKind.Verb), ("report", Message, TriggerKind.VerbOnly), ("escalate", Message, TriggerKind.Verb),
            ("endorse", Message, TriggerKind.Verb), ("cc", Message, TriggerKind.VerbOnly), ("bcc", Message, TriggerKind.VerbOnly), ("loop in", Message, TriggerKind.Verb),
            ("get in touch", Message, TriggerKind.Verb), ("shoot", Message, TriggerKind.VerbOnly), ("wish", Message, TriggerKind.VerbOnly), ("pitch", Message, TriggerKind.VerbOnly),
            ("elevate", System, TriggerKind.Verb), ("promote", System, TriggerKind.VerbOnly), ("demote", System, TriggerKind.Verb), ("whitelist", System, TriggerKind.Verb),
            ("allowlist", System, TriggerKind.Verb), ("blacklist", System, TriggerKind.Verb), ("blocklist", System, TriggerKind.Verb), ("expose", System, TriggerKind.Verb),
            ("open up", System, TriggerKind.Verb), ("reroute", System, TriggerKind.Verb), ("redirect", System, TriggerKind.Verb), ("toggle", System, TriggerKind.Verb),
            ("roll out", System, TriggerKind.Verb), ("hotfix", System, TriggerKind.Verb), ("launch", System, TriggerKind.VerbOnly), ("kick off", System, TriggerKind.Verb),
            ("trigger", System, TriggerKind.VerbOnly), ("invoke", System, TriggerKind.Verb), ("authorize", System, TriggerKind.Verb), ("authorise", System, TriggerKind.Verb),
            ("impersonate", System, TriggerKind.Verb), ("jailbreak", System, TriggerKind.Verb), ("root", System, TriggerKind.VerbOnly), ("bypass", System, TriggerKind.Verb),
            ("override", System, TriggerKind.Verb), ("hand over", System, TriggerKind.WithObject), ("turn over", System, TriggerKind.WithObject),
            // everyday verbs that count with a sensitive object in their clause
            ("run", System, TriggerKind.WithObject), ("set", System, TriggerKind.WithObject), ("add", System, TriggerKind.WithObject), ("give", System, TriggerKind.WithObject),
            ("make", System, TriggerKind.WithObject), ("open", System, TriggerKind.WithObject), ("move", Money, TriggerKind.WithObject), ("put", Money, TriggerKind.WithObject),
            ("write", System, TriggerKind.WithObject), ("start", System, TriggerKind.WithObject), ("stop", System, TriggerKind.WithObject), ("create", System, TriggerKind.WithObject),
            ("save", System, TriggerKind.WithObject), ("copy", System, TriggerKind.WithObject), ("leave", Message, TriggerKind.WithObject), ("place", Money, TriggerKind.WithObject),
        };

        /// <summary>The objects that make an everyday verb sensitive, by the category they give it: money, messages to others, systems and files.</summary>
        public static readonly (string Category, Regex Pattern)[] SensitiveObjects =
        {
            (Money, new Regex(@"\b(?:grand|hundred|thousand|million|money|funds|cash|dollars?|euros?|bucks|payments?|bids?|orders?|purchases?|budget|autopay|subscriptions?|cards?|wallet|crypto|bitcoins?|shares|stocks?|savings|balance|deposits?|transfers?|donations?|tips?)\b|[$€£]\s?\d", Opt)),
            (Message, new Regex(@"\b(?:reviews?|ratings?|comments?|voicemails?|messages?|emails?|e-mails?|texts?|posts?|tweets?|replies|notes? (?:for|to|on)|announcements?)\b", Opt)),
            (System, new Regex(@"\b(?:admins?|administrators?|root|sudo|superuser|access|rights|permissions?|roles?|owners?|passwords?|keys?|firewalls?|ports?|dns|records?|settings?|config(?:uration)?s?|preferences|2fa|mfa|two-factor|alarms?|doors?|locks?|gates?|garage|cameras?|router|servers?|instances?|clusters?|vms?|containers?|database|db|accounts?|users?|members?|authorized_keys|ssh|cron(?:tab)?|payroll|billing|files?|folders?|director(?:y|ies)|documents?|docs?|spreadsheets?|code|scripts?|repo(?:sitor(?:y|ies))?s?|branch(?:es)?|terminal|shell|consoles?|commands?|programs?|binar(?:y|ies)|jobs?|migrations?|quer(?:y|ies)|sql|pipelines?|installers?|updates?|firmware|backups?|public|private|visible|production|prod|live|gpus?|plans?)\b|\b[\w-]+\.(?:md|txt|json|ya?ml|csv|conf|cfg|ini|xml|html?|js|ts|py|sh|ps1|bat|cmd|exe|env|log|docx?|xlsx?|pdf|sql)\b", Opt)),
        };

        // Patterns with a fixed meaning: (name, category, kind, pattern)
        static readonly (string Word, string Category, TriggerKind Kind, string Pattern)[] Patterns =
        {
            // secrets and credentials: asked for, read out or moved, in any form
            ("password", Secret, TriggerKind.Always, @"\b(?:pass ?words?|passwd|pass ?codes?|pass ?phrases?|pins?|pin codes?|pin numbers?|passcodes?)\b"),
            ("credentials", Secret, TriggerKind.Always, @"\b(?:credentials?|login (?:details|info(?:rmation)?|data)|logins|sign-?in details|auth(?:entication)? (?:codes?|tokens?)|access (?:codes?|keys?|tokens?)|api[ _-]?keys?|secret(?:s| keys?| access keys?)?|tokens?|private keys?|ssh[ -]?keys?|recovery (?:codes?|keys?|phrases?)|backup codes?|seed (?:phrases?|words?)|mnemonic|2fa codes?|mfa codes?|otp|one-time (?:codes?|passwords?)|verification codes?|security codes?|door codes?|alarm codes?|gate codes?|cvv|cvc|card numbers?|social security|ssn|keychain|keyring|password managers?|vault)\b"),
            ("key files", Secret, TriggerKind.Always, @"(?:\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.ssh\b|\.env\b|\.netrc\b|\.pgpass\b|\.aws\b|\.npmrc\b|\.pypirc\b|/etc/(?:shadow|passwd|sudoers)\b|\.pem\b|\.p12\b|\.pfx\b|\.kdbx\b|\bkubeconfig\b|\bcredentials\.json\b|\bsecrets?\.(?:json|ya?ml|txt)\b)"),
            ("password es/pt/fr/de", Secret, TriggerKind.Always, @"\b(?:contrasenas?|claves?|senhas?|mots? de passe|mdp|passworts?|kennworts?|zugangsdaten|anmeldedaten|credenciales|credenciais|identifiants|codigo de (?:verificacion|verificacao|seguridad|seguranca)|code (?:secret|pin|de verification)|llaves? privadas?|chaves? privadas?|cles? privees?|privaten? (?:ssh-)?schlussel|ssh-schlussel|geheim(?:nis|e|en)?|frase semilla)\b"),
            // shell and database commands
            ("shell command", System, TriggerKind.Always, @"(?:\brm\s+-\w*[rf]|\brm\s+(?:-\S+\s+)*/|\bsudo\b|\bchmod\b|\bchown\b|\bmkfs|\bdd\s+if=|\bcurl\b[^\n]*\|\s*(?:ba|z)?sh\b|\bwget\b[^\n]*\|\s*(?:ba|z)?sh\b|\|\s*(?:ba|z)?sh\b|\bkill\s+-9\b|\bkillall\b|\bpkill\b|\bsystemctl\b|\bshutdown\s+-|\breboot\b|\bgit\s+(?:push|reset|clean|rebase|branch\s+-d|filter-branch)\b|\bremove-item\b|\bstop-computer\b|\brestart-computer\b|\bformat\s+[a-z]:|\bdel\s+/[sq]\b|\brmdir\b|\bdrop\s+(?:table|database|schema|index)\b|\btruncate\s+table\b|\bdelete\s+from\b|\bcat\s+[~/.]|\bexec\s*\(|\beval\s*\(|\bbash\s+-c\b|\bpowershell\b|\bpwsh\b|\bcmd(?:\.exe)?\s+/c\b|\bnc\s+-|\bncat\b|\biptables\b|\bufw\b|\bcrontab\b|\bssh-add\b|\bauthorized_keys\b|\bnpm\s+publish\b|\bterraform\s+(?:destroy|apply)\b|\bkubectl\s+(?:delete|apply|scale)\b|\bdocker\s+(?:rm|rmi|system\s+prune|kill|stop)\b)"),
            ("run a command", System, TriggerKind.Always, @"\b(?:open|start|launch) (?:a |the )?(?:terminal|shell|console|command prompt)\b"),
            // money named by its amount
            ("amount of money", Money, TriggerKind.Outside, @"(?:[$€£¥₹]|\b(?:us|r|ca|au)\$)\s?\d|\b\d[\d,.]*\s?(?:k\b|m\b)?\s?(?:dollars?|bucks|euros?|eur|usd|reais|real|pounds?|gbp|quid|francs?|chf|pesos?|yen|btc|bitcoins?|eth|sats)\b|\bgift cards?\b"),
            // removal named by the state wanted: "I want them gone", "make it disappear"
            ("gone", Removal, TriggerKind.Outside, @"\b(?:gone|disappear(?:s|ed|ing)?|vanish(?:es|ed|ing)?|no longer exists?|go away|wiped|erased|deleted|destroyed|removed)\b"),
            ("make it disappear", Removal, TriggerKind.Verb, @"\bmake\b[^.?!]{0,40}\b(?:disappear|vanish|go away)\b"),
            ("messages to others", Message, TriggerKind.Verb, @"\blet\s+(?!me\b|us\b|myself\b)[\w' -]{1,50}?\s+know\b|\b(?:tell|inform|warn|ask)\s+(?!me\b|us\b|myself\b|you\b)(?:my|our|the|his|her|their|everyone|everybody|all|him|her|them|[a-z]+)\b[^.?!]{0,60}\b(?:that|to|about|i'?m|i am|i'?ll|we)\b|\bthank\s+(?!you\b)[\w']+(?:\s+[\w']+)?\s+for\b|\bwrite\s+(?:to|back|an?\s+(?:email|message|letter|note|reply|post|review|tweet))\b"),
            ("get it off", Removal, TriggerKind.Verb, @"\b(?:get|gets|getting|take|takes|taking|pull|pulls|pulling)\s+(?:[\w']+\s+){0,4}?(?:off|out of|down from|offline)\b"),
            ("go live", System, TriggerKind.Verb, @"\b(?:go|goes|going|went) live\b|\bput (?:it|this|that|them) live\b|\bpull the plug\b|\bhit send\b"),
        };

        // Spanish, French, German and Portuguese: the forms a request takes (imperative, infinitive, subjunctive, present).
        // Participles and nouns are left out on purpose ("¿se realizó el pago?", "wurde die Rechnung bezahlt?" ask for news).
        static readonly (string Word, string Category, TriggerKind Kind, string Pattern)[] Foreign =
        {
            // deleting and destroying
            ("borrar", Removal, TriggerKind.Always, @"\bborr(?:a|ar|e|en|es|as|amos|ad|alo|ala|alos|alas|arlo|arla|arlos|arlas|ame|amelo|enlo|ela|elo|elas|elos|aras|ara|aria|arias)\b"),
            ("eliminar", Removal, TriggerKind.Always, @"\belimin(?:a|ar|e|en|es|as|ad|alo|ala|alos|alas|arlo|arla|arlos|arlas|ame|enlo|ez|er|ons)\b"),
            ("suprimir", Removal, TriggerKind.Always, @"\bsu(?:p)?prim(?:a|ar|e|en|es|ir|id|ez|er|ons)\b"),
            ("destruir", Removal, TriggerKind.Always, @"\b(?:destru(?:ye|yan|ya|yas|ir|id|yelo|a|am)|detrui(?:re|s|sez|t)|detruis(?:ez|ons)?)\b"),
            ("vaciar", Removal, TriggerKind.Always, @"\b(?:vaci(?:a|ar|e|en|alo|ala)|vider|videz|esvazi(?:e|ar|a|em))\b"),
            ("vider", Removal, TriggerKind.Outside, @"\b(?:vide|leer(?:e|en))\b"),
            ("effacer", Removal, TriggerKind.Always, @"\beffac(?:e|er|ez|es|ons)\b"),
            ("loschen", Removal, TriggerKind.Always, @"\blosch(?:e|en|st)?\b|\bentfern(?:e|en|st)?\b|\bvernicht(?:e|en|est|et)?\b|\bzerstor(?:e|en|st)?\b|\bformatier(?:e|en|st)?\b|\bplatt machen\b"),
            ("apagar", Removal, TriggerKind.Always, @"\bapag(?:ue|uem|ar|a|am)\b|\bexclu(?:a|am|ir|i)\b|\bdelet(?:ar|a|em|ea|en)\b|\bremov(?:a|er|am)\b"),
            ("limpar", Removal, TriggerKind.Outside, @"\blimp(?:a|ar|e|em)\b"),
            ("formatear", Removal, TriggerKind.Always, @"\bformat(?:ea|ear|ee|ar|ez|er)\b"),
            ("quitar", Removal, TriggerKind.Always, @"\bquit(?:a|ar|en|alo|ala|alos|alas)\b|\benlev(?:e|er|ez)\b|\bretir(?:er|ez|a|ar)\b"),
            ("cancelar", Removal, TriggerKind.Always, @"\bcancel(?:a|ar|e|en|ez|er|le|lo|am)\b|\bannul(?:e|er|ez)\b|\bstornier(?:e|en)?\b|\bkundig(?:e|en)?\b"),
            // money
            ("pagar", Money, TriggerKind.Always, @"\bpag(?:a|ar|ue|uen|ues|ale|ales|alo|ala|arle|ad|uem)\b|\bpai(?:e|es|ent)\b|\bpayez\b|\bregle(?:r|z)\b|\bbezahl(?:e|en|st)?\b|\bbegleich(?:e|en)\b"),
            ("zahlen", Money, TriggerKind.Outside, @"\bzahl(?:e|en)\b"),
            ("transferir", Money, TriggerKind.Always, @"\btransf(?:iere|ieran|iera|ira|iram|erir|ere|erez|erer|eriere|erieren)\b|\bvir(?:e|er|ez)\b|\buberweis(?:e|en)?\b|\bdeposit(?:a|ar|e|ez|er)\b"),
            ("comprar", Money, TriggerKind.Always, @"\bcompr(?:ar|e|en|ame|alo|ala|am)\b|\bachet(?:e|er|ez)\b|\bkauf(?:e|en)?\b|\bbestell(?:e|en)?\b|\breservier(?:e|en)\b|\bcommandez\b|\bencomend(?:e|ar|a)\b|\bpedir\b|\bpide\b|\bpida\b"),
            ("compra", Money, TriggerKind.Outside, @"\bcompra\b|\bcommande\b|\bcommander\b|\bpayer\b|\binstaller\b|\bchanger\b|\bposter\b|\breserv(?:a|ar|e|en|ez|er)\b|\bbuch(?:e|en)\b"),
            ("vender", Money, TriggerKind.Always, @"\bvend(?:e|er|a|an|ez|re|s)\b|\bverkauf(?:e|en)\b|\bdoar\b|\bdonar\b|\bspende(?:n)?\b"),
            // sending and posting
            ("enviar", Message, TriggerKind.Always, @"\benvi(?:a|ar|e|en|es|ale|ales|ame|amelo|alo|ala|arle|em)\b|\benvoi(?:e|es|ent)\b|\benvoy(?:er|ez)\b|\bmand(?:a|ar|e|en|ale|ame|amelo|alo|em)\b|\bschick(?:e|en|st)?\b|\bverschick(?:e|en)?\b|\bsend(?:e|en)\b|\bsag(?:e|en)?\s+(?:ihm|ihr|ihnen|meine[mnr]?|allen|dem|der|den|bitte)\b|\bleite\b[^.?!]*\bweiter\b"),
            ("publicar", Message, TriggerKind.Always, @"\bpubli(?:ca|car|quen|calo|er|ez|quem)\b|\bveroffentlich(?:e|en)?\b|\bcompart(?:e|ir|a|an)\b|\bcompartilh(?:e|ar|a)\b|\bpartag(?:e|er|ez)\b|\btuite(?:a|ar|e)\b|\btweet(?:ez|a)\b|\bposte(?:a|ar|z)\b"),
            ("publique", Message, TriggerKind.Outside, @"\bpublique\b|\bpublie\b|\bposte\b|\bposten\b|\bteil(?:e|en)\b"),
            ("responder", Message, TriggerKind.Always, @"\brespond(?:e|er|a|an|re|ez)\b|\breponds\b|\brepondre\b|\brepondez\b|\bantworte(?:n)?\b|\bescrib(?:e|ele|ir|a|ale)\b|\bescrev(?:a|er|e)\b|\becri(?:s|re|vez)\b|\bschreib(?:e|en)?\b"),
            // systems, configuration and commands
            ("ejecutar", System, TriggerKind.Always, @"\bexecut(?:a|ar|en|ez|er|alo|em)\b|\bejecut(?:a|ar|e|en|alo|ala)\b|\bfuhr(?:e|en)\b[^.?!]*\baus\b|\bausfuhr(?:en|e)\b|\blanc(?:er|ez)\b"),
            ("cambiar", System, TriggerKind.Always, @"\bcambi(?:a|ar|e|en|ale|alo)\b|\bmodific(?:a|ar|e|en|ue|uen)\b|\bmodifi(?:e|er|ez)\b|\bchangez\b|\band(?:ere|ern)\b|\balter(?:e|ar|a|em)\b|\bmud(?:e|ar|em)\b|\bconfigur(?:a|ar|en|ez|er|iere|ieren)\b"),
            ("reiniciar", System, TriggerKind.Always, @"\breinici(?:a|ar|e|en|em)\b|\bredemarr(?:e|er|ez)\b|\bstart(?:e|en)?\b[^.?!]*\bneu\b|\bneustart(?:en)?\b|\bdeslig(?:a|ar|ue)\b|\beteins\b|\beteindre\b|\bschalt(?:e|en)?\b[^.?!]*\b(?:ab|aus)\b"),
            ("instalar", System, TriggerKind.Always, @"\binstal(?:a|ar|e|en|em)\b|\binstallez\b|\binstallier(?:e|en)\b|\bdesinstal(?:a|ar|e)\b|\bdesinstall(?:e|er|ez)\b|\bdeinstallier(?:e|en)\b"),
            ("desactivar", System, TriggerKind.Always, @"\bdesactiv(?:a|ar|e|en|ez|er)\b|\bdesativ(?:e|ar|a)\b|\bdeaktivier(?:e|en)\b|\bdesbloque(?:a|ar|e|ie)\b|\bdeverrouill(?:e|er|ez)\b|\bentsperr(?:e|en)\b|\bactiv(?:a|ar|ez|er)\b|\baktivier(?:e|en)\b"),
        };

        // (above Builtin: static fields initialise in order)
        static readonly Dictionary<string, string[]> Irregular = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["send"] = new[] { "sent" }, ["pay"] = new[] { "paid" }, ["buy"] = new[] { "bought" }, ["get"] = new[] { "got", "gotten" }, ["sell"] = new[] { "sold" },
            ["shut"] = new[] { "shut" }, ["write"] = new[] { "wrote", "written" }, ["overwrite"] = new[] { "overwrote", "overwritten" }, ["spend"] = new[] { "spent" },
            ["reset"] = new[] { "reset" }, ["cancel"] = new[] { "cancelled", "canceled" }, ["tear"] = new[] { "tore", "torn" }, ["take"] = new[] { "took", "taken" },
            ["throw"] = new[] { "threw", "thrown" }, ["blow"] = new[] { "blew", "blown" }, ["put"] = new[] { "put" }, ["give"] = new[] { "gave", "given" },
            ["make"] = new[] { "made" }, ["run"] = new[] { "ran" }, ["set"] = new[] { "set" }, ["spin"] = new[] { "spun" }, ["withdraw"] = new[] { "withdrew", "withdrawn" },
            ["lend"] = new[] { "lent" }, ["bid"] = new[] { "bid" }, ["leave"] = new[] { "left" }, ["shred"] = new[] { "shredded" }, ["forward"] = new[] { "forwarded" },
            ["rsvp"] = new[] { "rsvped", "rsvp'd" }, ["dm"] = new[] { "dmed", "dm'd", "dmd" }, ["cut"] = new[] { "cut" },
        };
        static readonly HashSet<string> Doubling = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            { "drop", "commit", "transfer", "shut", "get", "reset", "cancel", "stop", "ship", "submit", "dm", "set", "roll", "scrap", "zap", "bin", "spin", "tip", "run", "bid", "put", "shred", "unblock", "flash", "rebase" };

        /// <summary>The built-in triggers (no owner words).</summary>
        public static IReadOnlyList<Trigger> Builtin { get; } = Build();

        /// <summary>The base words and phrases the gate knows, for documentation and -RemoveApprovalWord.</summary>
        public static IEnumerable<string> Words => Builtin.Select(t => t.Word).Distinct();

        static IReadOnlyList<Trigger> Build()
        {
            var list = new List<Trigger>();
            foreach (var (word, category, kind) in English) list.Add(EnglishTrigger(word, category, kind));
            foreach (var (word, category, kind, pattern) in Patterns)
                list.Add(new Trigger { Word = word, Category = category, Kind = kind, Request = new Regex(pattern, Opt) });
            foreach (var (word, category, kind, pattern) in Foreign)
                list.Add(new Trigger { Word = word, Category = category, Kind = kind, Request = new Regex(pattern, Opt) });
            return list;
        }

        /// <summary>An owner's word: every inflection of its first word, anywhere in a request, questions included.</summary>
        public static Trigger OwnerTrigger(string word)
        {
            var t = EnglishTrigger(word, Custom, TriggerKind.Verb);
            var all = t.Request.ToString() + (t.Done == null ? "" : "|" + t.Done);
            return new Trigger { Word = word, Category = Custom, Kind = TriggerKind.Always, Request = new Regex(all, Opt) };
        }

        static Trigger EnglishTrigger(string word, string category, TriggerKind kind)
        {
            var parts = word.Split(' ');
            var (request, done) = Forms(parts[0]);
            var tail = string.Concat(parts.Skip(1).Select(p => @"\s+" + Regex.Escape(p)));
            string Alt(IEnumerable<string> forms) => $@"(?<![\w-])(?:{string.Join("|", forms.OrderByDescending(f => f.Length).Select(Regex.Escape))}){tail}(?![\w-])";
            return new Trigger { Word = word, Category = category, Kind = kind, Request = new Regex(Alt(request), Opt), Done = done.Count == 0 ? null : new Regex(Alt(done), Opt) };
        }

        /// <summary>Every inflection of a verb: the base, -s/-es, the past (regular, doubled or irregular), -ing.</summary>
        public static IEnumerable<string> Inflections(string verb)
        {
            var (request, done) = Forms(verb);
            return request.Concat(done).Distinct();
        }

        /// <summary>The request forms (base, -s, -ing) and the done forms (past, participle) of a verb.</summary>
        static (List<string> request, List<string> done) Forms(string verb)
        {
            var v = verb.ToLowerInvariant();
            var request = new List<string> { v };
            var done = new List<string>();
            if (Irregular.TryGetValue(v, out var irregular)) done.AddRange(irregular);
            var vowelBefore = v.Length > 1 && "aeiou".IndexOf(v[v.Length - 2]) >= 0;
            if (v.EndsWith("e", StringComparison.Ordinal) && !v.EndsWith("ee", StringComparison.Ordinal))
            {
                request.AddRange(new[] { v + "s", v.Substring(0, v.Length - 1) + "ing" });
                done.Add(v + "d");
            }
            else if (v.EndsWith("y", StringComparison.Ordinal) && !vowelBefore)
            {
                request.AddRange(new[] { v.Substring(0, v.Length - 1) + "ies", v + "ing" });
                done.Add(v.Substring(0, v.Length - 1) + "ied");
            }
            else if (Regex.IsMatch(v, "(s|sh|ch|x|z)$"))
            {
                request.AddRange(new[] { v + "es", v + "ing" });
                done.Add(v + "ed");
            }
            else
            {
                var last = v[v.Length - 1];
                request.Add(v + "s");
                if (Doubling.Contains(v))
                {
                    request.AddRange(new[] { v + last + "ing", v + "ing" });
                    done.AddRange(new[] { v + last + "ed", v + "ed" });
                }
                else
                {
                    request.Add(v + "ing");
                    done.Add(v + "ed");
                }
            }
            return (request.Distinct().ToList(), done.Distinct().Where(d => !request.Contains(d)).ToList());
        }
    }
}
