namespace Edge.Agent.Sources;

using Edge.Shared.Inference;

internal static partial class SourcesLog
{
    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "{Origin}: {Label} (score {Score:0.000}, {Decision})")]
    public static partial void Answered(ILogger logger, string origin, string label, double score, Decision decision);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Error, Message = "Frame observer {Observer} failed")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Information, Message = "Watching {Folder} for PNG/JPEG/JSON frames every {Interval}; answered files go to {Done}, refused ones to {Failed}")]
    public static partial void Watching(ILogger logger, string folder, TimeSpan interval, string done, string failed);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Critical, Message = "Watched folder unusable: {Reason}. The agent keeps serving its API and retries every {Interval}")]
    public static partial void FolderUnusable(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(EventId = 8205, Level = LogLevel.Information, Message = "Watched folder {Folder} usable again")]
    public static partial void FolderRecovered(ILogger logger, string folder);

    [LoggerMessage(EventId = 8206, Level = LogLevel.Warning, Message = "Refused {File}: {Reason} (moved to {Failed})")]
    public static partial void FileRefused(ILogger logger, string file, string reason, string failed);

    [LoggerMessage(EventId = 8210, Level = LogLevel.Error, Message = "Cannot move {File} aside: {Reason}. It stays in the folder and is skipped until it is removed")]
    public static partial void FileStuck(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 8207, Level = LogLevel.Error, Message = "Camera capture failed: {Reason}")]
    public static partial void CaptureFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8208, Level = LogLevel.Information, Message = "Camera source: {Command} every {Interval}")]
    public static partial void CameraInterval(ILogger logger, string command, TimeSpan interval);

    [LoggerMessage(EventId = 8209, Level = LogLevel.Error, Message = "{Source} loop failed; continuing with the next frame")]
    public static partial void LoopFailed(ILogger logger, string source, Exception exception);
}
