using System.IO;
using System.Runtime.InteropServices;
using ClawdTalk.Sandbox;

if (args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(SandboxOptions.Usage);
    return 0;
}

SandboxOptions options;
try
{
    options = SandboxOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ClawdTalk.Sandbox: {e.Message}");
    Console.Error.WriteLine(SandboxOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext c)
{
    c.Cancel = true;
    stop.Cancel();
}
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

SandboxServer server;
try
{
    server = await SandboxServer.StartAsync(options, stop.Token);
}
catch (Exception e) when (e is IOException or OperationCanceledException)
{
    Console.Error.WriteLine($"ClawdTalk.Sandbox: cannot start: {e.Message}");
    return 1;
}

await using (server)
{
    Console.WriteLine($"ClawdTalk sandbox listening on http://127.0.0.1:{server.BaseUri.Port}");
    if (server.GatewayUri is not null)
        Console.WriteLine($"Simulated gateway listening on http://127.0.0.1:{server.GatewayUri.Port}");
    Console.WriteLine($"Dashboard: {server.DashboardUri}");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}
return 0;
