namespace Edge.Agent.ConfigSync;

using Edge.Shared.Config;

internal static partial class ConfigSyncLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Config restored from {Path}: threshold {Threshold} from {Source} (fleet v{FleetVersion}, group v{GroupVersion}, device v{DeviceVersion})")]
    public static partial void Restored(this ILogger logger, string path, double threshold, ConfigScope? source, long? fleetVersion, long? groupVersion, long? deviceVersion);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Config {Scope} v{Version} applied in {ElapsedMs:F1} ms after receipt: threshold {Threshold} from {Source}, audit {AuditSampleRate}, score {ScoreFunction}")]
    public static partial void Applied(this ILogger logger, ConfigScope scope, long? version, double elapsedMs, double threshold, ConfigScope? source, double auditSampleRate, ScoreFunction scoreFunction);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Config {Scope} cleared in {ElapsedMs:F1} ms after receipt: threshold {Threshold} from {Source}")]
    public static partial void Cleared(this ILogger logger, ConfigScope scope, double elapsedMs, double threshold, ConfigScope? source);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Config {Scope} v{Version} ignored: {Reason}")]
    public static partial void Ignored(this ILogger logger, ConfigScope scope, long? version, string? reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Config {Scope} v{Version} refused, keeping the current settings: {Reason}")]
    public static partial void Refused(this ILogger logger, ConfigScope scope, long? version, string? reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Config state {Path}: dropped the {Scope} entry: {Reason}")]
    public static partial void StateEntryDropped(this ILogger logger, string path, ConfigScope scope, string reason);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Error, Message = "Config state {Path} is unreadable; starting from local defaults")]
    public static partial void StateUnreadable(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "Config state {Path} could not be saved; the applied config is live but will not survive a restart")]
    public static partial void StateSaveFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Debug, Message = "Reported config published on {Topic}: {Published}")]
    public static partial void Reported(this ILogger logger, string topic, bool published);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Error, Message = "Config sync failed to process a message on the {Scope} topic")]
    public static partial void ProcessingFailed(this ILogger logger, Exception exception, ConfigScope? scope);
}
