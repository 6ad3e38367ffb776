namespace Edge.Agent.Updater;

using Edge.Shared.Updates;

internal static partial class UpdaterLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Model updates are off until Updates:TrustedKeys lists at least one public key; every package will be refused as UnknownSigningKey")]
    public static partial void NoTrustedKeys(this ILogger logger);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Model updates are disabled (Updates:Enabled=false)")]
    public static partial void Disabled(this ILogger logger);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Model updater ready: device class {DeviceClass}, {KeyCount} trusted key(s)")]
    public static partial void Ready(this ILogger logger, string deviceClass, int keyCount);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Update to {Model}@{Version} (rollout {RolloutId}): downloading {Kind} payload {Payload} ({Bytes} bytes, {Blocks} blocks)")]
    public static partial void Downloading(this ILogger logger, string model, string version, string? rolloutId, PayloadKind kind, string payload, long bytes, int blocks);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Update to {Model}@{Version} applied in {ElapsedMs:F0} ms (previous {Previous}); health window {Window}")]
    public static partial void Applied(this ILogger logger, string model, string version, double elapsedMs, string previous, TimeSpan window);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Update to {Version} refused ({Failure}): {Detail}; {Running} keeps serving")]
    public static partial void Refused(this ILogger logger, string? version, UpdateFailure failure, string detail, string running);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Rolled back from {Version} to {Running}: {Reason}")]
    public static partial void RolledBack(this ILogger logger, string version, string running, string reason);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Information, Message = "{Model}@{Version} passed its health window ({Requests} local runs, error rate {ErrorRate:P1}, p99 {P99Ms} ms)")]
    public static partial void Healthy(this ILogger logger, string model, string version, long requests, double errorRate, double? p99Ms);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Information, Message = "Desired model {Version} is already serving")]
    public static partial void AlreadyRunning(this ILogger logger, string version);

    [LoggerMessage(EventId = 7016, Level = LogLevel.Information, Message = "Package for {Version} failed before ({Failure}); not trying it again")]
    public static partial void KnownBad(this ILogger logger, string? version, UpdateFailure failure);

    [LoggerMessage(EventId = 7017, Level = LogLevel.Information, Message = "Update to {Version} superseded by a newer desired model; its downloaded blocks are kept")]
    public static partial void Superseded(this ILogger logger, string? version);

    [LoggerMessage(EventId = 7018, Level = LogLevel.Error, Message = "The model updater failed unexpectedly on a desired model; the running model keeps serving")]
    public static partial void UpdateCrashed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7019, Level = LogLevel.Information, Message = "Desired model cleared: nothing to update")]
    public static partial void DesiredCleared(this ILogger logger);

    [LoggerMessage(EventId = 7030, Level = LogLevel.Debug, Message = "Block frame dropped ({Reason}) for payload {Payload} block {Index}")]
    public static partial void FrameDropped(this ILogger logger, string reason, string payload, int index);

    [LoggerMessage(EventId = 7033, Level = LogLevel.Warning, Message = "Block frame for payload {Payload} block {Index} does not match its signed SHA-256: dropped and requested again (further ones this download are only counted, edge_agent_update_blocks_total{{result=\"bad_hash\"}})")]
    public static partial void BadBlockHash(this ILogger logger, string payload, int index);

    [LoggerMessage(EventId = 7034, Level = LogLevel.Warning, Message = "Resuming payload {Payload}: {Count} block(s) on disk did not match their signed SHA-256 and are downloaded again")]
    public static partial void ResumedBlocksForgotten(this ILogger logger, string payload, int count);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Debug, Message = "Resuming payload {Payload}: {Received}/{Total} blocks already on disk")]
    public static partial void Resuming(this ILogger logger, string payload, int received, int total);

    [LoggerMessage(EventId = 7032, Level = LogLevel.Debug, Message = "Status {State} for {Version} published on {Topic}: {Published}")]
    public static partial void StatusPublished(this ILogger logger, UpdateState state, string? version, string topic, bool published);

    [LoggerMessage(EventId = 7040, Level = LogLevel.Warning, Message = "Start-up: deleted leftover {Path} (an interrupted write)")]
    public static partial void LeftoverDeleted(this ILogger logger, string path);

    [LoggerMessage(EventId = 7041, Level = LogLevel.Warning, Message = "Start-up ({CurrentFile}): skipped installed {Model}@{Version}: {Reason}")]
    public static partial void InstalledSkipped(this ILogger logger, string currentFile, string model, string version, string reason);

    [LoggerMessage(EventId = 7042, Level = LogLevel.Information, Message = "Start-up: serving installed {Model}@{Version} from {Path} (signature and hash verified)")]
    public static partial void ServingInstalled(this ILogger logger, string model, string version, string path);

    [LoggerMessage(EventId = 7043, Level = LogLevel.Information, Message = "Start-up: serving the factory model {Model}@{Version} from {Path}: {Why}")]
    public static partial void ServingFactory(this ILogger logger, string model, string version, string path, string why);

    [LoggerMessage(EventId = 7050, Level = LogLevel.Error, Message = "Could not save the failed-package list {Path}")]
    public static partial void FailedListNotSaved(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 7051, Level = LogLevel.Error, Message = "The failed-package list {Path} is unreadable; starting with an empty one")]
    public static partial void FailedListUnreadable(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 7052, Level = LogLevel.Warning, Message = "Could not clean up {Path} after an update")]
    public static partial void CleanupFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 7053, Level = LogLevel.Warning, Message = "{Model}@{Version} was still in its health window when the agent stopped ({Count} time(s)); serving {Fallback}. Given up: {GivenUp}")]
    public static partial void TrialInterrupted(this ILogger logger, string model, string version, string fallback, int count, bool givenUp);
}
