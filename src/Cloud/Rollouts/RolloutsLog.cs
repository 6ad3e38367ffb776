namespace Edge.Cloud.Rollouts;

using Edge.Shared.Updates;

/// <summary>Event ids 7500–7599.</summary>
internal static partial class RolloutsLog
{
    [LoggerMessage(EventId = 7500, Level = LogLevel.Warning, Message = "Created a new package signing key {KeyId} at {Path}; devices must trust public key {PublicKey} (Updates:TrustedKeys)")]
    public static partial void KeyCreated(ILogger logger, string keyId, string path, string publicKey);

    [LoggerMessage(EventId = 7515, Level = LogLevel.Warning, Message = "Rotating the package signing key (Rollouts:RotateSigningKey): {Path} is missing and {Evidence} signed with the old key; devices refuse new packages until they trust the new key. Remove the setting once started")]
    public static partial void KeyRotated(ILogger logger, string path, string evidence);

    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "Signing packages with key {KeyId} (public key {PublicKey}) from {Path}")]
    public static partial void KeyLoaded(ILogger logger, string keyId, string publicKey, string path);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Error, Message = "The package signing key at {Path} cannot be loaded; the cloud does not start")]
    public static partial void KeyFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 7503, Level = LogLevel.Information, Message = "Built package {Name} {Version}: {Payloads} payloads, full {FullBytes} bytes, smallest delta {DeltaBytes} bytes, in {ElapsedMs:F0} ms")]
    public static partial void PackageBuilt(ILogger logger, string name, string version, int payloads, long fullBytes, long? deltaBytes, double elapsedMs);

    [LoggerMessage(EventId = 7504, Level = LogLevel.Information, Message = "Rollout {RolloutId} of {Model} {Version} to {Scope} {Target}: {Targeted} devices, {Canaries} canaries")]
    public static partial void Created(ILogger logger, string rolloutId, string model, string version, string scope, string? target, int targeted, int canaries);

    [LoggerMessage(EventId = 7505, Level = LogLevel.Information, Message = "Rollout {RolloutId}: {From} -> {To} {Reason}")]
    public static partial void StateChanged(ILogger logger, string rolloutId, RolloutState from, RolloutState to, string? reason);

    [LoggerMessage(EventId = 7506, Level = LogLevel.Information, Message = "Rollout {RolloutId}: device {DeviceId} joined ({Phase})")]
    public static partial void Joined(ILogger logger, string rolloutId, string deviceId, RolloutPhase phase);

    [LoggerMessage(EventId = 7507, Level = LogLevel.Warning, Message = "Model desired for {DeviceId} not published now ({Error}); it goes out on the next MQTT connection")]
    public static partial void PublishDeferred(ILogger logger, string deviceId, string error);

    [LoggerMessage(EventId = 7508, Level = LogLevel.Information, Message = "Republished model desired for {Published} devices and cleared {Cleared}")]
    public static partial void Republished(ILogger logger, int published, int cleared);

    [LoggerMessage(EventId = 7509, Level = LogLevel.Warning, Message = "Dropped model status on {Topic}: {Reason} ({Suppressed} similar ones not logged)")]
    public static partial void StatusDropped(ILogger logger, string topic, string reason, int suppressed);

    [LoggerMessage(EventId = 7510, Level = LogLevel.Debug, Message = "Rollout {RolloutId}: device {DeviceId} is {State}")]
    public static partial void DeviceState(ILogger logger, string rolloutId, string deviceId, UpdateState state);

    [LoggerMessage(EventId = 7511, Level = LogLevel.Warning, Message = "Ignored block request from {DeviceId}: {Reason} ({Suppressed} similar ones not logged)")]
    public static partial void BlockRequestRefused(ILogger logger, string deviceId, string reason, int suppressed);

    [LoggerMessage(EventId = 7512, Level = LogLevel.Warning, Message = "Block serving to {DeviceId} stopped: {Error}")]
    public static partial void BlockPublishFailed(ILogger logger, string deviceId, string error);

    [LoggerMessage(EventId = 7513, Level = LogLevel.Error, Message = "The rollout loop failed on an event; it keeps running")]
    public static partial void EventFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7514, Level = LogLevel.Error, Message = "Serving a block request from {DeviceId} failed")]
    public static partial void BlockServeFailed(ILogger logger, Exception exception, string deviceId);
}
