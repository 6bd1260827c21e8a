using System.Net;
using ClawdTalk.Sandbox.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClawdTalk.Sandbox;

/// <summary>
/// A running sandbox: the ClawdTalk REST API under <c>/v1</c>, the <c>/ws</c> bridge and <c>/_sandbox</c> control
/// endpoints on one loopback port, and the simulated agent gateway on another.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SandboxCore _core;
    private readonly Task _ticker;
    private int _stopped;

    private SandboxServer(WebApplication app, SandboxCore core, int port, int? gatewayPort)
    {
        _app = app;
        _core = core;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        ApiBaseUri = new Uri($"http://127.0.0.1:{port}/v1");
        GatewayUri = gatewayPort is int gp ? new Uri($"http://127.0.0.1:{gp}") : null;
        _ticker = core.Scheduler.RunAsync(core.Stopping.Token);
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>; the WebSocket is <c>ws://127.0.0.1:&lt;port&gt;/ws</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The live dashboard page: <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri DashboardUri => new(BaseUri, "/");

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1</c> (append paths as strings: <c>ApiBaseUri + "/missions"</c>).</summary>
    public Uri ApiBaseUri { get; }

    /// <summary><c>http://127.0.0.1:&lt;gateway port&gt;</c>, or null with <see cref="SandboxOptions.NoGateway"/>.</summary>
    public Uri? GatewayUri { get; }

    /// <summary>The sandbox's clock now: real time at start (and at each reset), then TimeScale times faster.</summary>
    public DateTimeOffset Now => _core.Clock.Now;

    /// <summary>The start-up options (fault settings changed through /_sandbox/faults are not written back).</summary>
    public SandboxOptions Options => _core.Options;

    /// <summary>Starts a sandbox on 127.0.0.1 and returns once it accepts connections.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var core = new SandboxCore(options);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (!options.Quiet) builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        ListenOptions? main = null, gateway = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, l => main = l);
            if (!options.NoGateway) k.Listen(IPAddress.Loopback, options.GatewayPort, l => gateway = l);
        });

        WebApplication app = builder.Build();
        int gatewayPort = -1;
        app.MapWhen(ctx => ctx.Connection.LocalPort == gatewayPort, branch => branch.Run(core.Gateway.HandleAsync));
        app.UseWebSockets();
        var pipeline = new RequestPipeline(core);
        app.Use(pipeline.InvokeAsync);
        MissionEndpoints.Map(app, core);
        AssistantEndpoints.Map(app, core);
        CommsEndpoints.Map(app, core);
        ControlEndpoints.Map(app, core);
        Dashboard.DashboardEndpoints.Map(app, core);
        app.Map("/ws", core.Hub.HandleAsync);

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            core.Dispose();
            throw;
        }
        int port = ((IPEndPoint)main!.EndPoint).Port;
        if (gateway is not null) gatewayPort = ((IPEndPoint)gateway.EndPoint).Port;
        return new SandboxServer(app, core, port, gateway is null ? null : gatewayPort);
    }

    /// <summary>Stops listening, drops WebSocket clients and the ticker. Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        lock (_core.Sync) _core.Hub.AbortAll();
        await _core.Stopping.CancelAsync().ConfigureAwait(false);
        await _ticker.ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _core.Dispose();
    }
}
