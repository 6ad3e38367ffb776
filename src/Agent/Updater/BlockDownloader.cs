namespace Edge.Agent.Updater;

using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Observability;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Fetches a payload block by block over MQTT into a <see cref="PartFile"/>: at most <c>MaxInFlightBlocks</c>
/// requested at once, each re-requested when it has not arrived within <c>BlockTimeout</c> and no other block arrived
/// for as long (the cloud serves in order: while blocks flow, the rest are queued, not lost), after a truncated frame,
/// and (all outstanding ones) after a reconnect. Frames arrive through <see cref="Offer"/> from the MQTT handler.
/// </summary>
internal sealed partial class BlockDownloader(
    AgentMqttConnection mqtt,
    UpdatePaths paths,
    IOptions<UpdaterOptions> options,
    IOptions<AgentOptions> agent,
    UpdateMetrics metrics,
    TimeProvider time,
    ILogger<BlockDownloader> logger)
{
    private readonly AgentMqttConnection _mqtt = mqtt;
    private readonly UpdaterOptions _options = options.Value;
    private readonly UpdateMetrics _metrics = metrics;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    private static readonly byte[] Wake = [];

    // Bounded: a flood of frames nobody asked for must not grow memory; a dropped wanted block is re-requested.
    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly string _requestTopic = Topics.BlockRequests(agent.Value.DeviceId);
    private int _reconnected;
    private int _truncated;
    private int _rerequested;
    private int _badHash;

    /// <summary>Truncated frames in the current download (reported in the Downloading status detail).</summary>
    public int Truncated => Volatile.Read(ref _truncated);

    public int Rerequested => Volatile.Read(ref _rerequested);

    /// <summary>Bad-hash frames in the current download (reported in the Downloading status detail).</summary>
    public int BadHash => Volatile.Read(ref _badHash);

    /// <summary>
    /// Copies a received frame for the download loop (the client owns the buffer). One larger than any block can be is
    /// dropped here, before it is copied: 1024 queued frames of the broker's maximum size would exhaust a small device.
    /// </summary>
    public void Offer(ReadOnlySequence<byte> frame)
    {
        if (frame.Length > BlockFrame.HeaderSize + BlockFrame.MaxBlockSize)
        {
            _metrics.OversizedFrames.Increment();
            return;
        }

        _frames.Writer.TryWrite(frame.ToArray());
    }

    /// <summary>Requests already sent may be lost with the old connection: re-request them all.</summary>
    public void NotifyReconnected()
    {
        Interlocked.Exchange(ref _reconnected, 1);
        _frames.Writer.TryWrite(Wake);
    }

    /// <summary>Returns the complete part file's path; <see cref="PackageRejectedException"/> (Timeout) when the cloud stops answering.</summary>
    public async Task<string> DownloadAsync(PackagePayload payload, int blockSize, Func<PartFile, Task> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(progress);
        using var part = PartFile.Open(paths, payload.Sha256, payload.Size, blockSize);
        while (_frames.Reader.TryRead(out _))
        {
            // Frames of an earlier download; the tag check would drop them anyway.
        }

        Volatile.Write(ref _truncated, 0);
        Volatile.Write(ref _rerequested, 0);
        Volatile.Write(ref _badHash, 0);

        // Only hashes made for this block size can check these blocks; without them (an older cloud) only the whole payload is checked.
        var blockHashes = payload.BlockSha256 is { } hashes && payload.BlockSize == blockSize ? hashes : null;
        if (part.Received > 0)
        {
            if (blockHashes is not null && part.ForgetMismatched(blockHashes) is > 0 and var forgotten)
            {
                logger.ResumedBlocksForgotten(payload.Sha256, forgotten);
            }

            logger.Resuming(payload.Sha256, part.Received, part.Total);
        }

        try
        {
            await progress(part);
            await new Session(this, part, payload.Sha256, blockHashes).RunAsync(progress, cancellationToken);
            return part.Path;
        }
        finally
        {
            // Keep what arrived for a resume, also when cancelled by shutdown or a newer desired.
            part.Flush();
        }
    }

    private Task<bool> RequestAsync(string payloadSha, int blockSize, List<int> blocks, CancellationToken cancellationToken)
    {
        var request = new BlockRequest { Payload = payloadSha, BlockSize = blockSize, Blocks = [.. blocks] };
        return _mqtt.PublishAsync(_requestTopic, JsonSerializer.SerializeToUtf8Bytes(request, EdgeJsonContext.Default.BlockRequest), cancellationToken: cancellationToken);
    }

    private async Task<byte[]?> NextFrameAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_frames.Reader.TryRead(out var frame))
        {
            return frame;
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _frames.Reader.WaitToReadAsync(linked.Token);
            return _frames.Reader.TryRead(out frame) ? frame : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
