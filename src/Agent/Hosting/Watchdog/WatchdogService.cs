namespace Edge.Agent.Hosting.Watchdog;

using Edge.Agent.Hosting.Readiness;
using Microsoft.Extensions.Options;

/// <summary>
/// Pings the systemd watchdog (<c>WATCHDOG=1</c>) every half <c>WatchdogSec</c>, but only after a real inference
/// through the serving model succeeded in that tick: a process that is alive but cannot answer (stuck slots, a
/// hung run, a broken session) stops pinging, says why in the journal and <c>STATUS=</c>, and systemd restarts it.
/// The host itself sends only <c>READY=1</c>/<c>STOPPING=1</c>.
/// </summary>
internal sealed class WatchdogService(
    InferenceProbe probe,
    DeviceHealth health,
    WatchdogEvents events,
    IOptions<WatchdogOptions> options,
    TimeProvider time,
    ILogger<WatchdogService> logger) : BackgroundService
{
    public const string Component = "inference";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var timeout = o.ResolveTimeout();
        var path = o.ResolveSocket();
        if (timeout is not { } watchdogTimeout || string.IsNullOrWhiteSpace(path))
        {
            WatchdogLog.Off(logger);
            return;
        }

        var interval = watchdogTimeout / 2;
        WatchdogLog.On(logger, watchdogTimeout, interval);
        using var socket = new NotifySocket(path);
        using var timer = new PeriodicTimer(interval, time);
        var healthy = true;
        long tick = 0;
        try
        {
            do
            {
                tick++;
                var reason = await ProbeAsync(tick, o.ProbeTimeout, stoppingToken);
                if (reason is null)
                {
                    Send(socket, path, "WATCHDOG=1");
                    if (!healthy)
                    {
                        WatchdogLog.Recovered(logger);
                        Send(socket, path, "STATUS=serving");
                    }

                    health.Report(Component, ComponentState.Ok);
                    events.Publish(new WatchdogOutcome(tick, WatchdogStep.Pinged, null));
                }
                else
                {
                    if (healthy || health.Get(Component)?.Reason != reason)
                    {
                        WatchdogLog.Unhealthy(logger, reason, watchdogTimeout);
                        Send(socket, path, "STATUS=not pinging the watchdog: " + reason);
                    }

                    health.Report(Component, ComponentState.Fault, reason);
                    events.Publish(new WatchdogOutcome(tick, WatchdogStep.Withheld, reason));
                }

                healthy = reason is null;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the host sends STOPPING=1.
        }
    }

    private async Task<string?> ProbeAsync(long tick, TimeSpan probeTimeout, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // On the thread pool: a run that hangs in native code must not hang this loop, only miss the deadline.
        var run = Task.Run(() => probe.RunAsync(cts.Token), CancellationToken.None);
        var waiting = run.WaitAsync(probeTimeout, time, stoppingToken);
        events.Publish(new WatchdogOutcome(tick, WatchdogStep.ProbeStarted, null));
        try
        {
            return await waiting;
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync();
            return $"the model did not answer a self-probe within {probeTimeout.TotalSeconds:0.###} s (every inference slot busy, or a run is stuck)";
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            return $"the self-probe failed: {e.GetType().Name}: {e.Message}";
        }
    }

    private void Send(NotifySocket socket, string path, string message)
    {
        try
        {
            socket.Send(message);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            WatchdogLog.SendFailed(logger, path, e);
        }
    }
}
