namespace Edge.Agent.Sources.Camera;

using Edge.Agent.Hosting.Readiness;
using Edge.Inference;
using Microsoft.Extensions.Options;

/// <summary>Captures and answers a frame every <c>Sources:Camera:Interval</c>; a failing camera is a fault in the status, not a crash.</summary>
internal sealed class CameraIntervalService(
    ICaptureSource camera,
    FramePipeline pipeline,
    DeviceHealth health,
    SourceEvents events,
    IOptions<CameraOptions> options,
    TimeProvider time,
    ILogger<CameraIntervalService> logger) : BackgroundService
{
    public const string Component = "source:camera";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!camera.IsConfigured || options.Value.Interval is not { } interval)
        {
            return;
        }

        SourcesLog.CameraInterval(logger, options.Value.Command!, interval);
        using var timer = new PeriodicTimer(interval, time);
        long frame = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CaptureOnceAsync(++frame, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task CaptureOnceAsync(long frame, CancellationToken cancellationToken)
    {
        var name = "frame-" + frame.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var bytes = await camera.CaptureAsync(cancellationToken);
            health.Report(Component, ComponentState.Ok);
            var answer = await pipeline.InferAsync(bytes, null, "camera:" + name, cancellationToken);
            events.Publish(new FrameOutcome(Component, name, answer, null));
        }
        catch (Exception e) when (e is CaptureException or InvalidInputException)
        {
            if (health.Report(Component, ComponentState.Degraded, e.Message))
            {
                SourcesLog.CaptureFailed(logger, e.Message);
            }

            events.Publish(new FrameOutcome(Component, name, null, e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SourcesLog.LoopFailed(logger, Component, e);
        }
    }
}
