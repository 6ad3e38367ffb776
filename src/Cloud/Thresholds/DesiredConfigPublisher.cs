namespace Edge.Cloud.Thresholds;

using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;

/// <summary>
/// Publishes stored settings as retained <see cref="DesiredConfig"/> messages (QoS 1). Publishes are serialised
/// and never go backwards per topic, so two racing PUTs on one scope cannot leave the older one retained.
/// On every MQTT (re)connection it republishes every stored setting, tombstones included: the embedded broker
/// forgets retained messages when the process restarts, and a setting stored while the broker was unreachable
/// is delivered then. Every message carries the cloud's config epoch (<see cref="DesiredConfig.Epoch"/>).
/// </summary>
internal sealed partial class DesiredConfigPublisher(
    CloudMqttClient mqtt,
    ThresholdRepository repository,
    ILogger<DesiredConfigPublisher> logger) : IMqttConnectedHook, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _published = new(StringComparer.Ordinal);
    private string? _epoch;

    public static DesiredConfig ToDesired(ScopeSetting setting, string? epoch) => new()
    {
        Version = setting.Version,
        Epoch = epoch,
        Scope = setting.Scope,
        Target = setting.Target,
        Threshold = setting.Threshold,
        AuditSampleRate = setting.AuditSampleRate,
        ScoreFunction = setting.ScoreFunction,
        UpdatedAt = setting.UpdatedAt,
        UpdatedBy = setting.UpdatedBy,
    };

    /// <summary>
    /// Publishes one setting. Returns false when the broker is unreachable now; the setting is stored and goes out
    /// with the republish on the next connection.
    /// </summary>
    public async Task<bool> PublishAsync(ScopeSetting setting, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await PublishLockedAsync(setting, force: false, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await RepublishLockedAsync(cancellationToken) is null)
            {
                throw new InvalidOperationException("the connection dropped while republishing desired config");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts a new epoch and republishes every stored setting in it, so every device replaces whatever it holds
    /// (a forged version included). Returns the epoch and how many settings went out, or a null count when the broker
    /// is unreachable now (the next connection republishes them in the new epoch).
    /// </summary>
    public async Task<(string Epoch, int? Republished)> ResetEpochAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _epoch = await repository.NewEpochAsync(cancellationToken);
            return (_epoch, await RepublishLockedAsync(cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int?> RepublishLockedAsync(CancellationToken cancellationToken)
    {
        var all = await repository.GetAllAsync(includeCleared: true, cancellationToken);
        foreach (var setting in all)
        {
            if (!await PublishLockedAsync(setting, force: true, cancellationToken))
            {
                return null;
            }
        }

        LogRepublished(logger, all.Count);
        return all.Count;
    }

    public void Dispose() => _gate.Dispose();

    private async Task<bool> PublishLockedAsync(ScopeSetting setting, bool force, CancellationToken cancellationToken)
    {
        var topic = Topics.Desired(setting.Scope, setting.Target);
        if (!force && _published.TryGetValue(topic, out var last) && last >= setting.Version)
        {
            return true;
        }

        _epoch ??= await repository.GetEpochAsync(cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(ToDesired(setting, _epoch), EdgeJsonContext.Default.DesiredConfig);
        try
        {
            await mqtt.PublishAsync(topic, payload, retain: true, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPublishDeferred(logger, topic, setting.Version, ex.Message);
            return false;
        }

        _published[topic] = Math.Max(setting.Version, _published.GetValueOrDefault(topic));
        LogPublished(logger, topic, setting.Version);
        return true;
    }

    [LoggerMessage(EventId = 2510, Level = LogLevel.Information, Message = "Published desired config version {Version} on {Topic}")]
    private static partial void LogPublished(ILogger logger, string topic, long version);

    [LoggerMessage(EventId = 2511, Level = LogLevel.Warning, Message = "Desired config version {Version} for {Topic} is stored but not published yet ({Error}); it goes out on the next MQTT connection")]
    private static partial void LogPublishDeferred(ILogger logger, string topic, long version, string error);

    [LoggerMessage(EventId = 2512, Level = LogLevel.Information, Message = "Republished {Count} stored desired configs (retained)")]
    private static partial void LogRepublished(ILogger logger, int count);
}
