namespace Edge.Agent.Gpio;

using System.Device.Gpio;
using System.Threading.Channels;
using Edge.Agent.Sources;
using Edge.Agent.Sources.Camera;
using Edge.Inference;

/// <summary>
/// A debounced trigger edge → capture a frame → answer it through the pipeline (whose observers pulse the actuator).
/// Edges while a capture runs are dropped beyond one queued: a line that triggers faster than the camera gets
/// the newest part answered, not an ever-growing backlog.
/// </summary>
internal sealed class GpioTrigger(ICaptureSource camera, FramePipeline pipeline, SourceEvents events, TimeProvider time, ILogger logger)
{
    public const string Component = "gpio:trigger";

    private readonly Channel<long> _edges = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _lastAccepted = long.MinValue;
    private long _count;

    public TimeSpan Debounce { get; init; }

    /// <summary>The driver's callback: runs on its event thread, so it only timestamps and queues.</summary>
    public void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastAccepted);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < Debounce)
        {
            GpioLog.TriggerIgnored(logger, "bounce");
            return;
        }

        Interlocked.Exchange(ref _lastAccepted, now);
        if (!_edges.Writer.TryWrite(Interlocked.Increment(ref _count)))
        {
            GpioLog.TriggerIgnored(logger, "a capture is still running");
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var frame in _edges.Reader.ReadAllAsync(cancellationToken))
        {
            var name = "trigger-" + frame.ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                var bytes = await camera.CaptureAsync(cancellationToken);
                var answer = await pipeline.InferAsync(bytes, null, "gpio:" + name, cancellationToken);
                events.Publish(new FrameOutcome(Component, name, answer, null));
            }
            catch (Exception e) when (e is CaptureException or InvalidInputException)
            {
                GpioLog.TriggerFailed(logger, frame, e.Message);
                events.Publish(new FrameOutcome(Component, name, null, e.Message));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                GpioLog.Failed(logger, "triggered capture", e);
                events.Publish(new FrameOutcome(Component, name, null, e.Message));
            }
        }
    }
}
