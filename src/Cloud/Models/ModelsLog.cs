namespace Edge.Cloud.Models;

internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Published model {Name} {Version} ({Quantization}, {SizeBytes} bytes from {SourceSizeBytes}) in {ElapsedMs:F0} ms")]
    public static partial void Published(ILogger logger, string name, string version, string quantization, long sizeBytes, long sourceSizeBytes, double elapsedMs);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "Refused model {Name} {Version}: {Reason}")]
    public static partial void Refused(ILogger logger, string name, string version, string reason);
}
