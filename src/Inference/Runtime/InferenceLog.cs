namespace Edge.Inference;

using Microsoft.Extensions.Logging;

internal static partial class InferenceLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Execution provider {Provider} is not available in this ONNX Runtime build (available: {Available}); trying the next one")]
    public static partial void ProviderUnavailable(ILogger logger, string provider, string available);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Execution provider {Provider} could not be appended; trying the next one")]
    public static partial void ProviderFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Using ONNX Runtime library {Path}")]
    public static partial void NativeLibraryLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "ONNX Runtime library {Path} could not be loaded; using the bundled one")]
    public static partial void NativeLibraryFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "ONNX Runtime library {Path} ignored: the runtime was already bound to {Bound} in this process")]
    public static partial void NativeLibraryIgnored(ILogger logger, string path, string bound);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Loaded model {Model}@{Version} from {Path} on {Provider} ({Slots} slots, max batch {MaxBatch}, {Threads} intra-op threads) in {ElapsedMs:F0} ms")]
    public static partial void ModelLoaded(ILogger logger, string model, string version, string path, string provider, int slots, int maxBatch, int threads, double elapsedMs);
}
