namespace Edge.Agent.Sources;

using Edge.Agent.Routing;
using Edge.Inference;
using Edge.Shared.Inference;

/// <summary>Told about every answer a local source (folder, camera, GPIO trigger) got; the actuator is one.</summary>
internal interface IFrameAnswerObserver
{
    void OnAnswer(string origin, InferenceAnswer answer);
}

/// <summary>
/// Feeds frames from the device's own sources into the same <see cref="InferenceRouter"/> the HTTP API uses (same
/// preprocessing, threshold, cloud fallback, outbox), then tells the observers.
/// </summary>
internal sealed partial class FramePipeline(InferenceRouter router, IEnumerable<IFrameAnswerObserver> observers, ILogger<FramePipeline> logger)
{
    private readonly IFrameAnswerObserver[] _observers = [.. observers];

    /// <exception cref="InvalidInputException">The frame is not a PNG, JPEG or tensor JSON this model takes.</exception>
    public async Task<InferenceAnswer> InferAsync(ReadOnlyMemory<byte> frame, string? contentType, string origin, CancellationToken cancellationToken)
    {
        contentType ??= Sniff(frame.Span) ?? throw new InvalidInputException(
            $"{origin}: not a PNG, JPEG or JSON tensor (first bytes {Convert.ToHexString(frame.Span[..Math.Min(8, frame.Length)])})");
        if (!InferBody.TryGetFormat(contentType, out var format))
        {
            throw new InvalidInputException($"{origin}: content type '{contentType}' is not one the model takes (image/png, image/jpeg, application/json)");
        }

        var answer = await router.InferAsync(new InferenceRequest(frame, contentType, format), cancellationToken);
        SourcesLog.Answered(logger, origin, answer.Label, answer.Score, answer.Decision);
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnAnswer(origin, answer);
            }
            catch (Exception e)
            {
                SourcesLog.ObserverFailed(logger, observer.GetType().Name, e);
            }
        }

        return answer;
    }

    /// <summary>The content type from the first bytes: a file's name can lie, its header cannot.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
        {
            return ContentTypes.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ContentTypes.Jpeg;
        }

        var trimmed = head.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] == (byte)'{' ? ContentTypes.Json : null;
    }
}
