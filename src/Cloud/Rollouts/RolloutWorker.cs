namespace Edge.Cloud.Rollouts;

using System.Threading.Channels;
using Edge.Cloud.Devices;
using Edge.Shared.Config;
using Edge.Shared.Updates;

/// <summary>
/// Device events waiting for <see cref="RolloutWorker"/>: written on the MQTT receive path (which must not publish or
/// wait), read by one loop. Unbounded: statuses are throttled by the devices, and dropping an Applied would stall a rollout.
/// </summary>
internal sealed class RolloutEvents
{
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<object> Reader => _channel.Reader;

    public void Status(ModelStatus status) => _channel.Writer.TryWrite(status);

    public void Reported(ReportedConfig config) => _channel.Writer.TryWrite(config);
}

/// <summary>Feeds device statuses and first reports to <see cref="RolloutService"/>, one at a time, off the receive path.</summary>
internal sealed class RolloutWorker(RolloutEvents events, RolloutService service, ReportedConfigStore devices, ILogger<RolloutWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        devices.Received += events.Reported;
        try
        {
            await foreach (var item in events.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await (item switch
                    {
                        ModelStatus status => service.OnStatusAsync(status, stoppingToken),
                        ReportedConfig config => service.OnDeviceReportedAsync(config, stoppingToken),
                        _ => Task.CompletedTask,
                    });
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    RolloutsLog.EventFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            devices.Received -= events.Reported;
        }
    }
}
