using System.Globalization;

namespace ClawdTalk.Sandbox.State;

/// <summary>
/// Everything /_sandbox/reset puts back: the service's data, the per-number attempt counters and
/// the account settings. Only touched under SandboxCore.Sync.
/// </summary>
internal sealed class SandboxState
{
    /// <summary>Numbers in the 555-01xx range of real area codes: they pass E.164 validation (never the fictional +1 555 area code).</summary>
    public const string DefaultOwnerPhone = "+12125550199";
    static readonly string[] AreaCodes = { "212", "646", "718", "917", "347", "332", "929", "415", "628", "303", "720" };
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public readonly Dictionary<string, Mission> Missions = new(StringComparer.Ordinal);
    public readonly List<Mission> MissionOrder = new();
    public readonly Dictionary<string, Run> Runs = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Assistant> Assistants = new(StringComparer.Ordinal);
    public readonly List<Assistant> AssistantOrder = new();
    public readonly List<Phone> Phones = new();
    public readonly Dictionary<string, ScheduledEvent> Events = new(StringComparer.Ordinal);
    public readonly Dictionary<string, List<ScheduledEvent>> EventsByAssistant = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Call> Calls = new(StringComparer.Ordinal);
    public readonly List<Message> Messages = new();
    public readonly Dictionary<string, Approval> Approvals = new(StringComparer.Ordinal);
    public readonly List<Approval> ApprovalOrder = new();
    public readonly Dictionary<string, Conversation> Conversations = new(StringComparer.Ordinal);
    public readonly Dictionary<string, BridgeRequest> Requests = new(StringComparer.Ordinal);
    /// <summary>Client frames per call id (directly, or through a request of that call).</summary>
    public readonly Dictionary<string, List<JsonNode>> CallFrames = new(StringComparer.Ordinal);
    /// <summary>Call attempts per callee number (magic number 0005).</summary>
    public readonly Dictionary<string, int> Attempts = new(StringComparer.Ordinal);

    // account settings (control endpoints)
    public string Plan = "paid";
    public string OwnerPhone = DefaultOwnerPhone;
    public int DevicesCount = 1;
    public int DevicesFailed;
    public int InsightPendingReads = 1;

    public SandboxState()
    {
        // Seed numbers: two assigned, one free: the account's dedicated number (the one outbound mission calls are placed from).
        Phones.Add(new Phone { Id = NextId("ph"), PhoneNumber = NumberFor(1), ConnectionId = "conn_seed_voice", Type = "voice" });
        Phones.Add(new Phone { Id = NextId("ph"), PhoneNumber = NumberFor(2), ConnectionId = "conn_seed_sms", Type = "sms" });
        Phone dedicated = new Phone { Id = NextId("ph"), PhoneNumber = NumberFor(3) };
        Phones.Add(dedicated);
        DedicatedPhoneId = dedicated.Id;
    }

    /// <summary>The account's dedicated number (paid plan): what <c>GET /numbers/account-phones/available</c> answers, assigned or not.</summary>
    public string? DedicatedPhoneId;

    /// <summary>The n-th number of the account (1-based): <c>+1 212 555 0101</c>, …, then the 01xx range of further area codes.</summary>
    static string NumberFor(int n) =>
        "+1" + AreaCodes[(n / 100) % AreaCodes.Length] + "555" + (100 + n % 100).ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The account number calls and texts come from.</summary>
    public string AccountNumber => Phones[0].PhoneNumber;

    /// <summary><c>prefix_000001</c>, counted per prefix.</summary>
    public string NextId(string prefix)
    {
        _counters.TryGetValue(prefix, out int n);
        _counters[prefix] = ++n;
        return prefix + "_" + n.ToString("D6", CultureInfo.InvariantCulture);
    }

    public Phone AddNumber()
    {
        var p = new Phone { Id = NextId("ph"), PhoneNumber = NumberFor(Phones.Count + 1) };
        Phones.Add(p);
        return p;
    }
}
