// SandboxLoad: how much the sandbox sustains on loopback, and what 10,000 scheduled events cost it.
//
//   dotnet run -c Release --project bench/SandboxLoad [-- --seconds 5 --workers 8,16,32 --events 10000]
//
// The sandbox runs in a child process (this program with --serve) so that its memory is measured apart
// from the load generator's; both share the machine's cores, which the figures include.
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

if (args.Contains("--serve"))
{
    await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions { TimeScale = 60, NoGateway = true });
    Console.WriteLine(server.BaseUri.Port.ToString(CultureInfo.InvariantCulture));
    await Console.In.ReadToEndAsync(); // until the parent closes stdin
    return 0;
}

double seconds = Arg("--seconds", 5);
int[] workerCounts = ArgList("--workers", "8,16,32");
int eventCount = (int)Arg("--events", 10000);

using Process child = StartChild();
string portLine = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the sandbox did not start");
string baseUrl = "http://127.0.0.1:" + portLine.Trim();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(baseUrl) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox");

Console.WriteLine($"SandboxLoad: sandbox at {baseUrl} (child pid {child.Id}), {Environment.ProcessorCount} cores, {seconds:0.#} s per level");
Console.WriteLine();

// ---- memory: 10,000 scheduled events ----
JsonNode before = await Stats();
string aid = (await PostJson("/v1/assistants", "{\"name\":\"bench\"}"))["assistant"]!["id"]!.GetValue<string>();
string rid = (await PostJson($"/v1/missions", "{\"name\":\"m\",\"instructions\":\"\"}"))["mission"]!["id"]!.GetValue<string>();
string run = (await PostJson($"/v1/missions/{rid}/runs", "{\"input\":{\"original_request\":\"bench\"}}"))["data"]!["run_id"]!.GetValue<string>();
// the sandbox's own clock (it runs 60 times faster than real time): every scheduled_at is a time of that clock
string at = (await SandboxNow()).AddHours(12).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture); // stays pending
var sw = Stopwatch.StartNew();
int next = 0;
await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
{
    while (Interlocked.Increment(ref next) <= eventCount)
    {
        int n = next;
        string to = "+1555" + (1000000 + n % 9000000).ToString("D7", CultureInfo.InvariantCulture);
        await PostJson($"/v1/assistants/{aid}/events",
            $"{{\"channel\":\"call\",\"to\":\"{to}\",\"from\":\"+12125550103\",\"scheduled_at\":\"{at}\",\"mission_id\":\"{rid}\",\"run_id\":\"{run}\"}}");
    }
}));
double createSeconds = sw.Elapsed.TotalSeconds;
JsonNode after = await Stats();

// ---- the ticker under 10,000 due events: all due at one time of the sandbox's clock, a second (real) after the last
// can have been created (as long again as creating the first batch took, at 60 sandbox seconds per real one) ----
DateTimeOffset soonAt = (await SandboxNow()).AddSeconds(Math.Max(62, (createSeconds * 1.5 + 1) * 60));
string soon = soonAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
next = 0;
await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
{
    while (Interlocked.Increment(ref next) <= eventCount)
    {
        await PostJson($"/v1/assistants/{aid}/events",
            $"{{\"channel\":\"call\",\"to\":\"+15551230007\",\"from\":\"+12125550103\",\"scheduled_at\":\"{soon}\",\"mission_id\":\"{rid}\",\"run_id\":\"{run}\"}}");
    }
}));
// Each ends 70 sandbox seconds (ring and talk) after its time; the lag is how much later, in real time, the last one did.
DateTimeOffset expectedEnd = soonAt.AddSeconds(70);
JsonNode s;
DateTimeOffset sandboxNow;
do
{
    await Task.Delay(20);
    s = await Stats(collect: false);
    sandboxNow = await SandboxNow();
} while (s["open_events"]!.GetValue<int>() > eventCount && sandboxNow < expectedEnd.AddSeconds(3600));
double lag = (sandboxNow - expectedEnd).TotalSeconds / 60;

long heapBefore = before["gc_heap_bytes"]!.GetValue<long>(), heapAfter = after["gc_heap_bytes"]!.GetValue<long>();
long wsBefore = before["working_set_bytes"]!.GetValue<long>(), wsAfter = after["working_set_bytes"]!.GetValue<long>();
Console.WriteLine("| server process | GC heap | working set |");
Console.WriteLine("|---|--:|--:|");
Console.WriteLine($"| fresh | {Mb(heapBefore)} | {Mb(wsBefore)} |");
Console.WriteLine($"| with {eventCount:N0} pending events (and their {eventCount:N0} logged requests) | {Mb(heapAfter)} | {Mb(wsAfter)} |");
Console.WriteLine();
Console.WriteLine($"heap per event (incl. its request-log entry): {(heapAfter - heapBefore) / (double)eventCount:0} bytes");
Console.WriteLine($"creating {eventCount:N0} events over HTTP (16 workers): {createSeconds:0.0} s ({eventCount / createSeconds:0} events/s)");
Console.WriteLine($"{eventCount:N0} more events due within about a second (scale 60): all terminal {lag * 1000:0} ms after the last one's planned end; ticker errors: {s["timer_errors"]}");
Console.WriteLine();

// ---- throughput: GET one mission ----
string missionId = (await PostJson("/v1/missions", "{\"name\":\"bench\",\"instructions\":\"\"}"))["mission"]!["id"]!.GetValue<string>();
await Load(4, 1.0, $"/v1/missions/{missionId}"); // warm-up
Console.WriteLine("| workers | requests | errors | req/s | p50 ms | p99 ms |");
Console.WriteLine("|--------:|---------:|-------:|------:|-------:|-------:|");
foreach (int workers in workerCounts)
{
    (int ok, int errors, double elapsed, double p50, double p99) = await Load(workers, seconds, $"/v1/missions/{missionId}");
    Console.WriteLine($"| {workers,7} | {ok,8} | {errors,6} | {ok / elapsed,5:0} | {p50,6:0.00} | {p99,6:0.00} |");
}
Console.WriteLine();

child.StandardInput.Close();
await child.WaitForExitAsync();
return 0;

// ---- helpers ----

async Task<(int Ok, int Errors, double Elapsed, double P50, double P99)> Load(int workers, double duration, string path)
{
    var latencies = new List<double>[workers];
    int ok = 0, errors = 0;
    var clock = Stopwatch.StartNew();
    TimeSpan until = TimeSpan.FromSeconds(duration);
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
    {
        var mine = latencies[w] = new List<double>(100_000);
        while (clock.Elapsed < until)
        {
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                using HttpResponseMessage r = await http.GetAsync(path);
                await r.Content.ReadAsByteArrayAsync();
                if (r.IsSuccessStatusCode) Interlocked.Increment(ref ok);
                else Interlocked.Increment(ref errors);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
            mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }));
    double elapsed = clock.Elapsed.TotalSeconds;
    double[] all = latencies.SelectMany(l => l).OrderBy(x => x).ToArray();
    return (ok, errors, elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
}

async Task<JsonNode> PostJson(string path, string body)
{
    using var content = new StringContent(body, Encoding.UTF8, "application/json");
    using HttpResponseMessage r = await http.PostAsync(path, content);
    string text = await r.Content.ReadAsStringAsync();
    if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {text}");
    return JsonNode.Parse(text)!;
}

async Task<DateTimeOffset> SandboxNow() =>
    DateTimeOffset.Parse(JsonNode.Parse(await http.GetStringAsync("/_sandbox/clock"))!["now"]!.GetValue<string>(), CultureInfo.InvariantCulture);

async Task<JsonNode> Stats(bool collect = true) => JsonNode.Parse(await http.GetStringAsync("/_sandbox/stats" + (collect ? "?collect=true" : "")))!;

static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

Process StartChild()
{
    string self = Environment.ProcessPath!;
    var psi = Path.GetFileNameWithoutExtension(self) == "dotnet"
        ? new ProcessStartInfo(self, $"\"{typeof(SandboxServer).Assembly.Location.Replace("ClawdTalk.Sandbox.dll", "SandboxLoad.dll", StringComparison.Ordinal)}\" --serve")
        : new ProcessStartInfo(self, "--serve");
    psi.RedirectStandardOutput = true;
    psi.RedirectStandardInput = true;
    psi.UseShellExecute = false;
    return Process.Start(psi)!;
}

double Arg(string name, double fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

int[] ArgList(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    string v = i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    return v.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
}
