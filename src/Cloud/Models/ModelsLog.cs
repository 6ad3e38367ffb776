namespace Edge.Cloud.Models;

internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Published model {Name} {Version} ({Quantization}, {SizeBytes} bytes from {SourceSizeBytes}) in {ElapsedMs:F0} ms")]
    public static partial void Published(ILogger logger, string name, string version, string quantization, long sizeBytes, long sourceSizeBytes, double elapsedMs);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "Refused model {Name} {Version}: {Reason}")]
    public static partial void Refused(ILogger logger, string name, string version, string reason);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Information, Message = "Reference set for model {Name}: {Samples} samples, floor {Floor:F4}, set by {By}")]
    public static partial void ReferenceSet(ILogger logger, string name, int samples, double floor, string by);

    [LoggerMessage(EventId = 7604, Level = LogLevel.Warning, Message = "Models:RequireReference is false: a model name without a reference set is published unjudged by the accuracy floor, so a publisher token alone decides what the fleet runs")]
    public static partial void ReferenceNotRequired(ILogger logger);

    [LoggerMessage(EventId = 7605, Level = LogLevel.Warning, Message = "Published model {Name} {Version} unjudged: the name has no reference set (Models:RequireReference is false)")]
    public static partial void Unjudged(ILogger logger, string name, string version);
}
