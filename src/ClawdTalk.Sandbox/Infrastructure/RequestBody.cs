using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Text;
using System.Text.Json;

namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>
/// A request's JSON object body plus field readers that collect validation problems:
/// malformed JSON (or not an object) is a 400, a missing or invalid field a 422 (control endpoints: 400).
/// </summary>
internal sealed class RequestBody
{
    private const string ItemKey = "sandbox.body";
    private readonly List<(string Code, string Message)> _problems = new();
    private readonly int _problemStatus;

    private RequestBody(JsonObject obj, int problemStatus)
    {
        Obj = obj;
        _problemStatus = problemStatus;
    }

    public JsonObject Obj { get; }

    /// <summary>Field readers over a nested object (e.g. one plan step).</summary>
    public static RequestBody Of(JsonObject obj) => new(obj, StatusCodes.Status422UnprocessableEntity);

    /// <summary>Reads the body text once per request (the request log and the handler share it).</summary>
    public static async Task<string?> ReadTextAsync(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue(ItemKey, out object? cached)) return cached as string;
        string? text = null;
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            text = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        ctx.Items[ItemKey] = text;
        return text;
    }

    /// <summary>Parses the body the request pipeline already read; an empty body is <c>{}</c>.</summary>
    public static bool TryGet(HttpContext ctx, [NotNullWhen(true)] out RequestBody? body, [NotNullWhen(false)] out IResult? error, bool control = false) =>
        TryParse(ctx.Items.TryGetValue(ItemKey, out object? t) ? t as string : null, control, out body, out error);

    /// <summary>A non-negative integer query parameter (absent: <paramref name="fallback"/>); false with a 422 otherwise.</summary>
    public static bool TryQueryInt(HttpContext ctx, string name, int fallback, int min, out int value, [NotNullWhen(false)] out IResult? error)
    {
        error = null;
        value = fallback;
        string? raw = ctx.Request.Query[name];
        if (raw is null) return true;
        if (int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min) return true;
        error = Api.Error(StatusCodes.Status422UnprocessableEntity, "invalid_parameter", $"{name} must be an integer of at least {min}");
        return false;
    }

    public static bool TryParse(string? text, bool control, [NotNullWhen(true)] out RequestBody? body, [NotNullWhen(false)] out IResult? error)
    {
        body = null;
        error = null;
        int problemStatus = control ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity;
        if (string.IsNullOrWhiteSpace(text))
        {
            body = new RequestBody(new JsonObject(), problemStatus);
            return true;
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject obj)
            {
                body = new RequestBody(obj, problemStatus);
                return true;
            }
            error = Api.Error(StatusCodes.Status400BadRequest, "invalid_json", "The request body must be a JSON object");
            return false;
        }
        catch (JsonException e)
        {
            error = Api.Error(StatusCodes.Status400BadRequest, "invalid_json", "Malformed JSON: " + e.Message);
            return false;
        }
    }

    /// <summary>The first problem found, as an error result; null when the body is valid.</summary>
    public IResult? Problem =>
        _problems.Count == 0 ? null : Api.Error(_problemStatus, _problems[0].Code, string.Join("; ", _problems.ConvertAll(p => p.Message)));

    public void Fail(string code, string message) => _problems.Add((code, message));

    public bool Has(string name) => Obj.TryGetPropertyValue(name, out JsonNode? n) && n is not null;

    private JsonNode? Get(string name, bool required)
    {
        if (Obj.TryGetPropertyValue(name, out JsonNode? n) && n is not null) return n;
        if (required) Fail("missing_field", $"{name} is required");
        return null;
    }

    private static JsonValueKind Kind(JsonNode n) => n.GetValueKind();

    public string? String(string name, bool required = false)
    {
        JsonNode? n = Get(name, required);
        if (n is null) return null;
        if (Kind(n) != JsonValueKind.String)
        {
            Fail("invalid_field", $"{name} must be a string");
            return null;
        }
        string s = n.GetValue<string>();
        if (required && s.Length == 0)
        {
            Fail("missing_field", $"{name} must not be empty");
            return null;
        }
        return s;
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? OneOf(string name, string[] allowed, bool required = false, string code = "invalid_field")
    {
        string? s = String(name, required);
        if (s is null) return null;
        if (System.Array.IndexOf(allowed, s) < 0)
        {
            Fail(code, $"{name} must be one of: {string.Join(", ", allowed)}");
            return null;
        }
        return s;
    }

    /// <summary>An E.164 phone number (422 <c>invalid_phone_number</c> otherwise).</summary>
    public string? Phone(string name, bool required = false)
    {
        string? s = String(name, required);
        if (s is null) return null;
        if (!Formats.IsE164(s))
        {
            Fail("invalid_phone_number", $"{name} must be an E.164 number like +15551234567 (got '{s}')");
            return null;
        }
        return s;
    }

    public double? Number(string name, bool required = false)
    {
        JsonNode? n = Get(name, required);
        if (n is null) return null;
        if (Kind(n) != JsonValueKind.Number)
        {
            Fail("invalid_field", $"{name} must be a number");
            return null;
        }
        return n.GetValue<double>();
    }

    public int? Int(string name, bool required = false)
    {
        double? d = Number(name, required);
        if (d is null) return null;
        if (d.Value != Math.Floor(d.Value) || d.Value < int.MinValue || d.Value > int.MaxValue)
        {
            Fail("invalid_field", $"{name} must be an integer");
            return null;
        }
        return (int)d.Value;
    }

    public bool? Bool(string name, bool required = false)
    {
        JsonNode? n = Get(name, required);
        if (n is null) return null;
        JsonValueKind k = Kind(n);
        if (k is JsonValueKind.True or JsonValueKind.False) return k == JsonValueKind.True;
        Fail("invalid_field", $"{name} must be true or false");
        return null;
    }

    public JsonObject? Object(string name, bool required = false)
    {
        JsonNode? n = Get(name, required);
        if (n is null) return null;
        if (n is JsonObject o) return o;
        Fail("invalid_field", $"{name} must be an object");
        return null;
    }

    public JsonArray? Array(string name, bool required = false)
    {
        JsonNode? n = Get(name, required);
        if (n is null) return null;
        if (n is JsonArray a) return a;
        Fail("invalid_field", $"{name} must be an array");
        return null;
    }

    /// <summary>Any JSON value, copied (null when absent or JSON null).</summary>
    public JsonNode? Any(string name) => Get(name, false)?.DeepClone();

    /// <summary>A list of strings.</summary>
    public List<string>? Strings(string name, bool required = false)
    {
        JsonArray? a = Array(name, required);
        if (a is null) return null;
        var list = new List<string>();
        foreach (JsonNode? item in a)
        {
            if (item is null || Kind(item) != JsonValueKind.String)
            {
                Fail("invalid_field", $"{name} must be an array of strings");
                return null;
            }
            list.Add(item.GetValue<string>());
        }
        return list;
    }
}
