using System.Text;

namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>JSON responses: every body the sandbox writes goes through here.</summary>
internal static class Api
{
    private static readonly System.Text.Json.JsonSerializerOptions Plain = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Compact JSON text without HTML-safe escaping (quotes stay quotes).</summary>
    public static string Serialize(JsonNode node) => node.ToJsonString(Plain);

    public static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(Serialize(node), "application/json", Encoding.UTF8, status);

    /// <summary><c>{"key": node}</c>.</summary>
    public static IResult Wrap(string key, JsonNode node, int status = StatusCodes.Status200OK) =>
        Json(new JsonObject { [key] = node }, status);

    public static JsonObject ErrorBody(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    /// <summary><c>{"error":{"code","message"}}</c> with the given status.</summary>
    public static IResult Error(int status, string code, string message) => Json(ErrorBody(code, message), status);

    public static IResult NotFound(string what, string id) =>
        Error(StatusCodes.Status404NotFound, "not_found", $"{what} '{id}' not found");

    public static IResult NoContent() => Results.StatusCode(StatusCodes.Status204NoContent);

    /// <summary>A string property of a frame or body, or null when absent or not a string.</summary>
    public static string? Str(JsonObject? o, string name) =>
        o is not null && o.TryGetPropertyValue(name, out JsonNode? n) && n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? v.GetValue<string>()
            : null;

    public static JsonArray Array<T>(IEnumerable<T> items, System.Func<T, JsonNode?> toJson)
    {
        var a = new JsonArray();
        foreach (T item in items) a.Add(toJson(item));
        return a;
    }
}
