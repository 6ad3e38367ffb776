namespace Edge.Agent.Updater;

using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Observability;
using Edge.Agent.Serving;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Publishes the update state retained on <c>model/status</c> at every change; Downloading progress at most twice a
/// second. Keeps the latest for <c>/v1/status</c> and re-publishes it after each reconnect.
/// </summary>
internal sealed class UpdateStatusReporter(
    AgentMqttConnection mqtt,
    IOptions<AgentOptions> agent,
    IModelInfo model,
    UpdateMetrics metrics,
    TimeProvider time,
    ILogger<UpdateStatusReporter> logger) : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _topic = Topics.ModelStatus(agent.Value.DeviceId);
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private ModelStatus? _latest;
    private long _lastProgress;

    public ModelStatus? Latest => Volatile.Read(ref _latest);

    /// <summary>Records and publishes <paramref name="status"/>; a Downloading update inside the throttle interval is only recorded.</summary>
    public async Task ReportAsync(ModelStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        Stamp(status);
        var previous = Volatile.Read(ref _latest);
        Volatile.Write(ref _latest, status);
        metrics.SetState(status.State);

        var now = time.GetTimestamp();
        var isProgress = status.State == UpdateState.Downloading && previous?.State == UpdateState.Downloading &&
            status.BlocksReceived < status.BlocksTotal;
        if (isProgress && time.GetElapsedTime(Interlocked.Read(ref _lastProgress), now) < ProgressInterval)
        {
            return;
        }

        Interlocked.Exchange(ref _lastProgress, now);
        await PublishAsync(() => status, cancellationToken);
    }

    /// <summary>
    /// After a (re)connect: the latest state, read once it is this publish's turn (a report that came in meanwhile is
    /// not put back by an older one), or Idle when nothing happened yet (never replacing a report that beat it).
    /// </summary>
    public Task RepublishAsync(CancellationToken cancellationToken) => PublishAsync(
        () =>
        {
            var idle = new ModelStatus { DeviceId = agent.Value.DeviceId, State = UpdateState.Idle };
            Stamp(idle);
            return Interlocked.CompareExchange(ref _latest, idle, null) ?? idle;
        },
        cancellationToken);

    public void Dispose() => _publishing.Dispose();

    private void Stamp(ModelStatus status)
    {
        status.DeviceId = agent.Value.DeviceId;
        status.ModelName = model.ModelName;
        status.RunningVersion = model.ModelVersion;
        status.At = time.GetUtcNow();
    }

    /// <summary>One at a time, in report order, so a retained status never overtakes a later one at the broker.</summary>
    private async Task PublishAsync(Func<ModelStatus> pick, CancellationToken cancellationToken)
    {
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            var status = pick();
            var payload = JsonSerializer.SerializeToUtf8Bytes(status, EdgeJsonContext.Default.ModelStatus);
            var published = await mqtt.PublishAsync(_topic, payload, retain: true, cancellationToken: cancellationToken);
            logger.StatusPublished(status.State, status.TargetVersion, _topic, published);
        }
        finally
        {
            _publishing.Release();
        }
    }
}
