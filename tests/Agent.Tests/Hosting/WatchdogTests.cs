namespace Edge.Agent.Tests.Hosting;

using System.Net.Sockets;
using System.Text;
using Edge.Agent.Hosting.Readiness;
using Edge.Agent.Hosting.Watchdog;
using Edge.Agent.Serving;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

/// <summary>The watchdog against a real Unix datagram socket standing in for systemd's NOTIFY_SOCKET.</summary>
public sealed class WatchdogTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-notify-").FullName;
    private readonly Socket _systemd = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly FakeTimeProvider _time = new();
    private readonly WatchdogEvents _events = new();
    private readonly DeviceHealth _health;
    private readonly LocalModel _model;

    public WatchdogTests()
    {
        _systemd.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir, "notify")));
        _health = new DeviceHealth(_time);
        _model = new LocalModel(
            Options.Create(new ServingOptions { Manifest = RepoPaths.Model("digits-edge.manifest.json"), Slots = 1 }), NullLogger<LocalModel>.Instance);
    }

    public void Dispose()
    {
        _model.Dispose();
        _systemd.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private WatchdogService Service() => new(
        new InferenceProbe(_model),
        _health,
        _events,
        Options.Create(new WatchdogOptions { NotifySocket = Path.Combine(_dir, "notify"), Timeout = Timeout, ProbeTimeout = ProbeTimeout }),
        _time,
        NullLogger<WatchdogService>.Instance);

    private async Task<string> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[512];
        var n = await _systemd.ReceiveAsync(buffer, SocketFlags.None, ct);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public async Task Pings_only_while_a_real_inference_succeeds_and_says_why_when_it_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = Service();
        await service.StartAsync(ct);

        // Tick 1 runs at start: the model answers its golden sample, so systemd hears from us at once.
        await _events.WaitForAsync(o => o is { Tick: 1, Step: WatchdogStep.Pinged }, ct);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(ct));

        // Every inference slot stuck: the process is alive, but the path is not.
        var stuck = _model.Model.Rent();
        _time.Advance(Timeout / 2);
        await _events.WaitForAsync(o => o is { Tick: 2, Step: WatchdogStep.ProbeStarted }, ct);
        _time.Advance(ProbeTimeout);
        var withheld = await _events.WaitForAsync(o => o is { Tick: 2, Step: WatchdogStep.Withheld }, ct);

        Assert.Contains("did not answer a self-probe within 2 s", withheld.Reason, StringComparison.Ordinal);
        Assert.StartsWith("STATUS=not pinging the watchdog: the model did not answer", await ReceiveAsync(ct), StringComparison.Ordinal);
        Assert.Equal(0, _systemd.Available);
        Assert.Equal(ComponentState.Fault, _health.Get(WatchdogService.Component)!.State);

        stuck.Dispose();
        _time.Advance(Timeout / 2 - ProbeTimeout);
        await _events.WaitForAsync(o => o is { Tick: 3, Step: WatchdogStep.Pinged }, ct);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(ct));
        Assert.Equal("STATUS=serving", await ReceiveAsync(ct));
        Assert.Equal(ComponentState.Ok, _health.Get(WatchdogService.Component)!.State);
        await service.StopAsync(ct);
    }

    [Fact]
    public async Task Stays_silent_without_a_watchdog_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = new WatchdogService(
            new InferenceProbe(_model), _health, _events,
            Options.Create(new WatchdogOptions { NotifySocket = Path.Combine(_dir, "notify") }), _time, NullLogger<WatchdogService>.Instance);

        await service.StartAsync(ct);
        await service.ExecuteTask!;

        Assert.Equal(0, _systemd.Available);
        Assert.Null(_health.Get(WatchdogService.Component));
    }
}
