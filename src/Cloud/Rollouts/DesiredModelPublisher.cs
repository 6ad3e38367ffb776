namespace Edge.Cloud.Rollouts;

using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Publishes and clears retained <see cref="ModelDesired"/> per device, and remembers which payloads each device may
/// ask blocks of (those of the package now desired for it). A failed publish is logged, not thrown: the rollout's
/// rows say what is desired, and <see cref="RolloutRepublisher"/> sends it on the next connection.
/// </summary>
internal sealed class DesiredModelPublisher(CloudMqttClient mqtt, IOptions<RolloutOptions> options, ILogger<DesiredModelPublisher> logger)
{
    private readonly ConcurrentDictionary<string, string[]> _allowed = new(StringComparer.Ordinal);
    private readonly int _blockSize = options.Value.BlockSizeBytes;

    public bool IsAllowed(string deviceId, string payloadSha256) =>
        _allowed.TryGetValue(deviceId, out var payloads) && Array.IndexOf(payloads, payloadSha256) >= 0;

    public async Task<bool> PublishAsync(string deviceId, string rolloutId, StoredPackage package, CancellationToken cancellationToken)
    {
        // Allowed before it goes out: a quick device may ask for blocks before the acknowledgement arrives here.
        _allowed[deviceId] = [.. package.Payloads.Select(p => p.Payload.Sha256)];
        var desired = new ModelDesired { Package = package.Package, RolloutId = rolloutId, BlockSize = _blockSize };
        return await SendAsync(deviceId, JsonSerializer.SerializeToUtf8Bytes(desired, EdgeJsonContext.Default.ModelDesired), cancellationToken);
    }

    /// <summary>An empty retained message: the broker forgets the desired package and the device keeps what it runs.</summary>
    public Task<bool> ClearAsync(string deviceId, CancellationToken cancellationToken)
    {
        _allowed.TryRemove(deviceId, out _);
        return SendAsync(deviceId, ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    private async Task<bool> SendAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            await mqtt.PublishAsync(Topics.ModelDesired(deviceId), payload, retain: true, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            RolloutsLog.PublishDeferred(logger, deviceId, ex.Message);
            return false;
        }
    }
}
