using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.WebSockets;
using System.Reflection;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BridgeBench;

[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ModuleDirectoryAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

/// <summary>
/// The bench: a stand-in service that sends deep_tool_request frames over a WebSocket and times the deep_tool_result
/// that comes back, and a stand-in gateway that times its own handling of each sessions_send. Overhead per request is
/// the round trip seen by the service minus the gateway's own time: everything the bridge adds (WebSocket in and out,
/// parsing, dispatch, the HTTP call to the gateway, reply cleaning, the send queue).
/// </summary>
public static class Program
{
    static readonly ConcurrentDictionary<string, double> GatewayOwnMs = new();
    static readonly ConcurrentDictionary<string, TaskCompletionSource<long>> Pending = new();
    static readonly TaskCompletionSource<WebSocket> Connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    static readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    static readonly SemaphoreSlim SendLock = new(1, 1);
    static int GatewayDelayMs = 20;

    public static async Task<int> Main(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10000;
        GatewayDelayMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", ServiceAsync);
        app.MapPost("/tools/invoke", GatewayAsync);
        await app.StartAsync();
        var url = app.Urls.First();
        Console.WriteLine($"stand-in service and gateway at {url}; gateway delay {GatewayDelayMs} ms; {Environment.ProcessorCount} cores; .NET {Environment.Version}");

        var key = "bench_" + Guid.NewGuid().ToString("N");
        var module = Path.Combine(typeof(Program).Assembly.GetCustomAttribute<ModuleDirectoryAttribute>()!.Path, "ClawdTalk.psd1");
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        Invoke(runspace, "param($m, $k, $u) Import-Module $m -ErrorAction Stop; Connect-ClawdTalk -ApiKey $k -Server $u; " +
                         "$global:bridge = Start-ClawdTalkBridge -Name bench -GatewayUrl $u -GatewayToken $k -AgentId bench -Greeting '' -KeepAliveInterval 00:10:00",
            module, Secure(key), url);
        var ws = await Connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _ = ReceiveLoopAsync(ws);

        await RunAsync(ws, 300, 1, "warm-up");
        var one = await RunAsync(ws, 2000, 1, "1 concurrent call");
        var fifty = await RunAsync(ws, 5000, 50, "50 concurrent calls");

        Collect();
        var before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        await RunAsync(ws, requests, 50, $"{requests} requests (memory run)", quiet: true);
        var took = sw.Elapsed;
        Collect();
        var after = GC.GetTotalMemory(true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Invoke(runspace, "$null = Receive-Job $global:bridge");
        Collect();
        var drained = GC.GetTotalMemory(true);
        Console.WriteLine();
        Console.WriteLine($"memory after {requests} requests in {took.TotalSeconds:0.0} s ({requests / took.TotalSeconds:0} req/s): managed heap {Mb(after)} " +
                          $"(+{Mb(after - before)} over the warmed-up heap of {Mb(before)}; the job keeps its newest 5,000 records per stream until Receive-Job), " +
                          $"{Mb(drained)} after Receive-Job drained them ({Mb(drained - before)} over the warmed-up heap); working set {Mb(self.WorkingSet64)}");
        var status = Invoke(runspace, "Get-ClawdTalkBridge").Select(o => o.BaseObject).First();
        Console.WriteLine($"bridge status: {Prop(status, "State")}, received {Prop(status, "RequestsReceived")}, answered {Prop(status, "RequestsAnswered")}, reconnects {Prop(status, "ReconnectCount")}");
        Invoke(runspace, "Stop-ClawdTalkBridge; Get-Job | Remove-Job");
        Done.TrySetResult();
        await app.StopAsync();
        Console.WriteLine();
        Console.WriteLine("| concurrent calls | requests | overhead p50 | overhead p99 | overhead mean | round trip p50 |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in new[] { one, fifty })
            Console.WriteLine($"| {r.Concurrency} | {r.Count} | {r.P50:0.00} ms | {r.P99:0.00} ms | {r.Mean:0.00} ms | {r.RoundTripP50:0.00} ms |");
        return 0;
    }

    static object? Prop(object o, string name) => o.GetType().GetProperty(name)!.GetValue(o);

    static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, true, true);
            GC.WaitForPendingFinalizers();
        }
    }

    static SecureString Secure(string s)
    {
        var ss = new SecureString();
        foreach (var c in s) ss.AppendChar(c);
        ss.MakeReadOnly();
        return ss;
    }

    static List<PSObject> Invoke(Runspace rs, string script, params object[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        var result = ps.Invoke().ToList();
        if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        return result;
    }

    sealed record Result(int Concurrency, int Count, double P50, double P99, double Mean, double RoundTripP50);

    static async Task<Result> RunAsync(WebSocket ws, int count, int concurrency, string label, bool quiet = false)
    {
        var overheads = new ConcurrentBag<double>();
        var trips = new ConcurrentBag<double>();
        var next = 0;
        var prefix = Guid.NewGuid().ToString("N")[..6];
        async Task CallAsync(int call)
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= count)
            {
                var id = $"{prefix}-{n}";
                var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                Pending[id] = tcs;
                var frame = new JsonObject
                {
                    ["type"] = "event", ["event"] = "deep_tool_request", ["call_id"] = $"call-{call}", ["request_id"] = id,
                    ["query"] = "bench " + id, ["context"] = "benchmark",
                };
                var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
                await SendLock.WaitAsync();
                long t0;
                try
                {
                    t0 = Stopwatch.GetTimestamp();
                    await ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
                }
                finally { SendLock.Release(); }
                var t1 = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(60));
                var trip = (t1 - t0) * 1000.0 / Stopwatch.Frequency;
                GatewayOwnMs.TryRemove(id, out var own);
                trips.Add(trip);
                overheads.Add(trip - own);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(CallAsync));
        var sorted = overheads.OrderBy(x => x).ToArray();
        var trip50 = trips.OrderBy(x => x).ElementAt(trips.Count / 2);
        var r = new Result(concurrency, count, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average(), trip50);
        if (!quiet) Console.WriteLine($"{label}: overhead p50 {r.P50:0.00} ms, p99 {r.P99:0.00} ms, mean {r.Mean:0.00} ms (round trip p50 {trip50:0.00} ms)");
        return r;
    }

    static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    static async Task ServiceAsync(HttpContext ctx)
    {
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        var auth = await ws.ReceiveAsync(buffer, CancellationToken.None);
        if (!Encoding.UTF8.GetString(buffer, 0, auth.Count).Contains("\"auth\"")) return;
        await ws.SendAsync("{\"type\":\"auth_ok\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Connected.TrySetResult(ws);
        await Done.Task;
    }

    static async Task ReceiveLoopAsync(WebSocket ws)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (ws.State == WebSocketState.Open)
        {
            WebSocketReceiveResult r;
            try { r = await ws.ReceiveAsync(buffer, CancellationToken.None); }
            catch (Exception) { return; }
            if (r.MessageType == WebSocketMessageType.Close) return;
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            var now = Stopwatch.GetTimestamp();
            var frame = JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!;
            message.SetLength(0);
            if ((string?)frame["type"] == "deep_tool_result" && Pending.TryRemove((string)frame["request_id"]!, out var tcs)) tcs.TrySetResult(now);
        }
    }

    static async Task GatewayAsync(HttpContext ctx)
    {
        var start = Stopwatch.GetTimestamp();
        var body = await JsonNode.ParseAsync(ctx.Request.Body);
        var message = (string?)body?["args"]?["message"] ?? "";
        var id = message[(message.LastIndexOf(' ') + 1)..];
        if (GatewayDelayMs > 0) await Task.Delay(GatewayDelayMs);
        var reply = Encoding.UTF8.GetBytes("{\"result\":{\"details\":{\"reply\":\"Done with " + id + ".\"}}}");
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = reply.Length;
        GatewayOwnMs[id] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
        await ctx.Response.Body.WriteAsync(reply);
    }
}
