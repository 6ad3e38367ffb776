namespace Edge.Agent.Updater;

using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Listens for the retained desired model and block frames, and runs one <see cref="UpdateProcess"/> at a time on
/// its own loop. A desired that differs from the one being downloaded supersedes it (its blocks stay for a resume).
/// </summary>
internal sealed class ModelUpdater(
    AgentMqttConnection mqtt,
    UpdateProcess process,
    BlockDownloader downloader,
    UpdateStatusReporter status,
    PackageTrust trust,
    IOptions<UpdaterOptions> options,
    IOptions<AgentOptions> agent,
    ILogger<ModelUpdater> logger) : BackgroundService
{
    private const int MaxDesiredBytes = 1 << 20;

    // Only the latest desired matters: an older one still queued is simply replaced.
    private readonly Channel<byte[]> _inbox = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    private readonly Lock _gate = new();
    private byte[]? _active;
    private CancellationTokenSource? _activeDownload;
    private int _lost;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.Disabled();
            return;
        }

        if (!trust.HasKeys)
        {
            logger.NoTrustedKeys();
        }

        var deviceClass = o.ResolveDeviceClass();
        logger.Ready(deviceClass, o.TrustedKeys.Count);
        var device = agent.Value.DeviceId;
        mqtt.Connected += OnConnected;
        mqtt.Disconnected += OnDisconnected;
        await mqtt.SubscribeAsync(Topics.Blocks(device), (message, _) =>
        {
            downloader.Offer(message.Payload);
            return ValueTask.CompletedTask;
        }, cancellationToken);
        await mqtt.SubscribeAsync(Topics.ModelDesired(device), (message, _) => OnDesired(message), cancellationToken);
        if (mqtt.IsConnected)
        {
            OnConnected();
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        mqtt.Connected -= OnConnected;
        mqtt.Disconnected -= OnDisconnected;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var payload in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                using var download = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                lock (_gate)
                {
                    _active = payload;
                    _activeDownload = download;
                }

                try
                {
                    await ProcessAsync(payload, download.Token, stoppingToken);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.Superseded(null);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.UpdateCrashed(e);
                }
                finally
                {
                    lock (_gate)
                    {
                        _activeDownload = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; a download in progress resumes from its bitmap at the next start.
        }
    }

    private async Task ProcessAsync(byte[] payload, CancellationToken downloadToken, CancellationToken stoppingToken)
    {
        if (payload.Length == 0)
        {
            logger.DesiredCleared();
            await status.ReportAsync(new ModelStatus { DeviceId = string.Empty, State = UpdateState.Idle }, stoppingToken);
            return;
        }

        ModelDesired? desired;
        try
        {
            desired = payload.Length > MaxDesiredBytes ? null : JsonSerializer.Deserialize(payload, EdgeJsonContext.Default.ModelDesired);
        }
        catch (JsonException)
        {
            desired = null;
        }

        if (desired?.Package is null)
        {
            const string Detail = "the desired model message is not a ModelDesired JSON document (or is over 1 MiB)";
            logger.Refused("an unreadable package", UpdateFailure.MalformedPackage, Detail, status.Latest?.RunningVersion ?? "-");
            await status.ReportAsync(new ModelStatus { DeviceId = string.Empty, State = UpdateState.Failed, Failure = UpdateFailure.MalformedPackage, Detail = Detail }, stoppingToken);
            return;
        }

        await process.RunAsync(desired, downloadToken, stoppingToken);
    }

    private ValueTask OnDesired(MqttIncomingMessage message)
    {
        // One byte past the limit is enough to refuse it.
        var payload = message.Payload.Slice(0, Math.Min(message.Payload.Length, MaxDesiredBytes + 1L)).ToArray();
        lock (_gate)
        {
            // The same retained desired comes back after every reconnect: that must not restart its download.
            if (_activeDownload is { } running && !payload.AsSpan().SequenceEqual(_active))
            {
                running.Cancel();
            }
        }

        _inbox.Writer.TryWrite(payload);
        return ValueTask.CompletedTask;
    }

    private void OnConnected()
    {
        // Only after a lost connection: the first connect's requests were sent on this very connection.
        if (Interlocked.Exchange(ref _lost, 0) == 1)
        {
            downloader.NotifyReconnected();
        }

        _ = RepublishAsync();
    }

    private void OnDisconnected() => Interlocked.Exchange(ref _lost, 1);

    private async Task RepublishAsync()
    {
        try
        {
            await status.RepublishAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.UpdateCrashed(e);
        }
    }
}
