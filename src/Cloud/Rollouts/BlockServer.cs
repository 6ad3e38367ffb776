namespace Edge.Cloud.Rollouts;

using System.Buffers;
using System.Globalization;
using Edge.Cloud.Mqtt;
using Edge.Shared.Mqtt;
using Edge.Shared.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Answers queued block requests: checks each against the package desired for the device, reads the ranges from
/// the payload file and publishes one <see cref="BlockFrame"/> per block on the device's <c>model/blocks</c> topic
/// (QoS 1, not retained). A refused request is logged (rate-limited) and dropped; the device sees nothing.
/// </summary>
internal sealed class BlockServer(
    BlockRequestHandler requests,
    PackageStore packages,
    DesiredModelPublisher desired,
    CloudMqttClient mqtt,
    BlockRefusals refusals,
    IOptions<RolloutOptions> options,
    ILogger<BlockServer> logger) : BackgroundService
{
    private readonly int _maxBlocks = Math.Min(options.Value.MaxBlocksPerRequest, BlockRequest.MaxBlocksPerRequest);

    /// <summary>Blocks published since start-up.</summary>
    public long BlocksServed => Interlocked.Read(ref _served);

    private long _served;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var pending in requests.Requests.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ServeAsync(pending.DeviceId, pending.Request, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    RolloutsLog.BlockServeFailed(logger, ex, pending.DeviceId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Why the request cannot be served, or null.</summary>
    internal string? Validate(string deviceId, BlockRequest request, out StoredPayload? payload)
    {
        payload = null;
        if (request.Payload is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigitLower))
        {
            return "payload must be a lowercase hex SHA-256";
        }

        if (!desired.IsAllowed(deviceId, sha))
        {
            return $"payload {sha[..16]} is not part of a package desired for this device";
        }

        payload = packages.FindPayload(sha);
        if (payload is null)
        {
            return $"payload {sha[..16]} is unknown";
        }

        if (request.BlockSize is < BlockFrame.MinBlockSize or > BlockFrame.MaxBlockSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"blockSize {request.BlockSize} is outside [{BlockFrame.MinBlockSize}, {BlockFrame.MaxBlockSize}]");
        }

        if (request.Blocks is not { Length: > 0 } blocks || blocks.Length > _maxBlocks)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a request names 1 to {_maxBlocks} blocks, not {request.Blocks?.Length ?? 0}");
        }

        var count = BlockFrame.BlockCount(payload.Payload.Size, request.BlockSize);
        foreach (var index in blocks)
        {
            if (index < 0 || index >= count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"block {index} is outside [0, {count}) for blocks of {request.BlockSize} bytes");
            }
        }

        return null;
    }

    private async Task ServeAsync(string deviceId, BlockRequest request, CancellationToken cancellationToken)
    {
        if (Validate(deviceId, request, out var payload) is { } reason)
        {
            refusals.Refuse(deviceId, reason);
            return;
        }

        var size = payload!.Payload.Size;
        var tag = BlockFrame.PayloadTag(payload.Payload.Sha256);
        var topic = Topics.Blocks(deviceId);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockFrame.HeaderSize + request.BlockSize);
        var returnBuffer = true;
        try
        {
            using var file = File.OpenHandle(payload.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
            foreach (var index in request.Blocks)
            {
                var offset = (long)index * request.BlockSize;
                var length = (int)Math.Min(request.BlockSize, size - offset);
                var data = buffer.AsMemory(BlockFrame.HeaderSize, length);
                for (var read = 0; read < length;)
                {
                    var n = RandomAccess.Read(file, data.Span[read..], offset + read);
                    read += n > 0 ? n : throw new EndOfStreamException($"payload file {payload.Path} is shorter than its {size} bytes");
                }

                BlockFrame.WriteHeader(buffer, tag, index, length);
                try
                {
                    await mqtt.PublishAsync(topic, buffer.AsMemory(0, BlockFrame.HeaderSize + length), retain: false, cancellationToken, "application/octet-stream");
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The client may still hold the frame; the buffer goes to the GC, not back to the pool. The device re-requests.
                    returnBuffer = false;
                    RolloutsLog.BlockPublishFailed(logger, deviceId, ex.Message);
                    return;
                }

                Interlocked.Increment(ref _served);
            }
        }
        finally
        {
            if (returnBuffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
