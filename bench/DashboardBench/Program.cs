// Dashboard bench: the sandbox's live dashboard in Debian's chromium (headless) during a 100-target rehearsal.
// Prints the page weight (page, state JSON at the end, a 304) and the update delay: for every render of a changed
// state, the time from the state's latest change (changed_at) to the render, as the page records it.
// The rehearsal is driven over REST the way the module does it (mission, run, plan, agent, 100 scheduled calls with
// their timeline events, outcome events as calls end, completion), so the measurement needs no PowerShell.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using OpenQA.Selenium.Chrome;

int targets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
double scale = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
const string key = "bench-dashboard-key";

await using var server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = key, TimeScale = scale });
using var http = new HttpClient { BaseAddress = new Uri(server.BaseUri, "/v1/") };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

async Task<JsonNode> Send(HttpMethod m, string path, object? body = null)
{
    using var req = new HttpRequestMessage(m, path);
    if (body != null) req.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
    using var res = await http.SendAsync(req);
    var text = await res.Content.ReadAsStringAsync();
    if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"{m} {path}: {(int)res.StatusCode} {text}");
    return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text)!;
}
static JsonNode Inner(JsonNode n) => n is JsonObject o && o.Count == 1 ? o.First().Value! : n;

// the browser first, on the empty dashboard
var profile = Path.Combine(Path.GetTempPath(), "clawdtalk-bench-chromium-" + Guid.NewGuid().ToString("N"));
var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
service.SuppressInitialDiagnosticInformation = true;
var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + profile);
using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
driver.Navigate().GoToUrl(server.DashboardUri);
Thread.Sleep(1000);

var wall = Stopwatch.StartNew();
var mission = Inner(await Send(HttpMethod.Post, "missions", new { name = $"Bench sweep of {targets}", instructions = "Ask about oat milk." }));
string mid = (string)mission["id"]!;
string rid = (string)Inner(await Send(HttpMethod.Post, $"missions/{mid}/runs", new { input = new { original_request = "bench" } }))["run_id"]!;
await Send(HttpMethod.Post, $"missions/{mid}/runs/{rid}/plan", new { steps = new[] { new { step_id = "sweep", description = "Call every shop", sequence = 1 }, new { step_id = "report", description = "Report", sequence = 2 } } });
await Send(HttpMethod.Patch, $"missions/{mid}/runs/{rid}", new { status = "running" });
string aid = (string)Inner(await Send(HttpMethod.Post, "assistants", new { name = "bench agent", model = "openai/gpt-4o", instructions = "Be brief.", greeting = "", voice = "Rime.ArcanaV3.astra", tools = Array.Empty<object>(), enabled_features = new[] { "telephony" } }))["id"]!;
await Send(HttpMethod.Post, $"missions/{mid}/runs/{rid}/agents", new { telnyx_agent_id = aid });
var from = (string)Inner(await Send(HttpMethod.Get, "numbers/account-phones/available"))["phone_number"]!;
var start = server.Now; // the sandbox's clock: every scheduled_at is a time of it (it runs `scale` times faster)
var ids = new List<string>();
for (int i = 1; i <= targets; i++)
{
    // staggered: the calls start over ~200 virtual seconds, so the dashboard sees a steady stream of changes
    // (never less than a minute ahead of the sandbox's clock when it arrives, with half a real second for the way there)
    var planned = start.AddSeconds(61 + i * 2);
    var earliest = server.Now.AddSeconds(61 + 0.5 * scale);
    var at = (planned > earliest ? planned : earliest).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    string to = "+1212555" + (i % 10 == 0 ? "0001" : i % 10 == 5 ? "0003" : (1000 + i).ToString(CultureInfo.InvariantCulture));
    var ev = Inner(await Send(HttpMethod.Post, $"assistants/{aid}/events", new { channel = "call", to, from, scheduled_at = at, mission_id = mid, run_id = rid, step_id = "sweep" }));
    string eid = (string)ev["id"]!;
    ids.Add(eid);
    await Send(HttpMethod.Post, $"missions/{mid}/runs/{rid}/events", new { type = "tool_call", summary = $"Scheduled a call to {to}", step_id = "sweep", payload = new { scheduled_event_id = eid } });
}
var scheduledIn = wall.Elapsed;
var open = new HashSet<string>(ids);
while (open.Count > 0)
{
    var list = (JsonArray)Inner(await Send(HttpMethod.Get, $"assistants/{aid}/events"));
    foreach (var e in list.OfType<JsonObject>())
    {
        string id = (string)e["id"]!;
        string status = (string)e["status"]!;
        if (!open.Contains(id) || status is not ("completed" or "failed")) continue;
        open.Remove(id);
        await Send(HttpMethod.Post, $"missions/{mid}/runs/{rid}/events", new { type = status == "completed" ? "custom" : "error", summary = $"Call to {e["to"]} ended: {e["outcome"]}", step_id = "sweep", payload = new { scheduled_event_id = id } });
    }
    await Task.Delay(200);
}
await Send(HttpMethod.Patch, $"missions/{mid}/runs/{rid}/plan/steps/report", new { status = "completed" });
await Send(HttpMethod.Patch, $"missions/{mid}/runs/{rid}", new { status = "succeeded", result_summary = $"Called {targets} shops." });
var rehearsal = wall.Elapsed;
Thread.Sleep(1500);

var lags = ((IEnumerable<object>?)driver.ExecuteScript("return window.clawdtalkDashboard.lags.map(l => l.lag_ms)") ?? Array.Empty<object>()).Select(Convert.ToDouble).OrderBy(x => x).ToList();
var renders = Convert.ToInt64(driver.ExecuteScript("return window.clawdtalkDashboard.renders"));
var shown = driver.ExecuteScript("return document.querySelector('.run-status').innerText") as string;
var rows = Convert.ToInt64(driver.ExecuteScript("return document.querySelectorAll('table.scheduled tbody tr').length"));
double Pct(double p) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(p * lags.Count) - 1)];

using var plain = new HttpClient();
var page = await plain.GetByteArrayAsync(server.DashboardUri);
using var jsonRes = await plain.GetAsync(new Uri(server.BaseUri, "/_sandbox/dashboard.json"));
var json = await jsonRes.Content.ReadAsByteArrayAsync();
var build = Stopwatch.StartNew();
const int reads = 20;
for (int i = 0; i < reads; i++) await plain.GetByteArrayAsync(new Uri(server.BaseUri, "/_sandbox/dashboard.json"));
var perRead = build.Elapsed.TotalMilliseconds / reads;
using var cond = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "/_sandbox/dashboard.json"));
cond.Headers.TryAddWithoutValidation("If-None-Match", jsonRes.Headers.ETag?.Tag);
using var notModified = await plain.SendAsync(cond);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"rehearsal: {targets} targets, time scale {scale}, scheduled in {scheduledIn.TotalSeconds:0.0} s, done in {rehearsal.TotalSeconds:0.0} s; dashboard shows run '{shown}' with {rows} scheduled rows");
Console.WriteLine();
Console.WriteLine("| measure | value |");
Console.WriteLine("| --- | --- |");
Console.WriteLine($"| page (HTML+CSS+JS, one file) | {page.Length:N0} bytes |");
Console.WriteLine($"| state JSON at the end ({targets} targets, {rows} rows) | {json.Length:N0} bytes |");
Console.WriteLine($"| unchanged state (304) | {(int)notModified.StatusCode}, {notModified.Content.Headers.ContentLength ?? 0} bytes of body |");
Console.WriteLine($"| state JSON read (build + serialize + transfer) | {perRead:0.0} ms |");
Console.WriteLine($"| renders during the rehearsal | {renders} |");
Console.WriteLine($"| update delay (change → rendered), median | {Pct(0.5):0} ms |");
Console.WriteLine($"| update delay, p95 | {Pct(0.95):0} ms |");
Console.WriteLine($"| update delay, max | {(lags.Count == 0 ? double.NaN : lags[^1]):0} ms |");
driver.Quit();
try { Directory.Delete(profile, true); } catch (IOException) { }
return 0;
