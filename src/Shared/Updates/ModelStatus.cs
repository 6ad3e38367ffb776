namespace Edge.Shared.Updates;

/// <summary>Where a device's update stands; retained on <c>edge/v1/dev/{id}/model/status</c> at every change.</summary>
public sealed class ModelStatus
{
    public required string DeviceId { get; set; }

    public UpdateState State { get; set; }

    /// <summary>The version being installed (or that failed / was rolled back); null when idle.</summary>
    public string? TargetVersion { get; set; }

    /// <summary>The version answering requests right now.</summary>
    public string? RunningVersion { get; set; }

    public string? ModelName { get; set; }

    public string? RolloutId { get; set; }

    /// <summary>Failed / RolledBack: a machine-readable reason (<see cref="UpdateFailure"/>) and a sentence for people.</summary>
    public UpdateFailure? Failure { get; set; }

    public string? Detail { get; set; }

    public int BlocksReceived { get; set; }

    public int BlocksTotal { get; set; }

    /// <summary>Payload bytes this device will download (the delta's size when it uses one).</summary>
    public long PayloadBytes { get; set; }

    public PayloadKind? PayloadKind { get; set; }

    public DateTimeOffset At { get; set; }
}

public enum UpdateState
{
    Idle,
    Downloading,
    Verifying,
    SelfTest,

    /// <summary>Final: the new version passed its health window (or was already running).</summary>
    Applied,
    Failed,
    RolledBack,

    /// <summary>The new version is serving, the previous one is still loaded, and the health window is judging it; Applied or RolledBack follows.</summary>
    HealthCheck,
}

/// <summary>Why an update was refused or undone. The old model keeps serving in every case.</summary>
public enum UpdateFailure
{
    MalformedPackage,
    UnknownSigningKey,
    BadSignature,
    WrongModel,
    WrongDeviceClass,
    TooLarge,
    TruncatedBlock,
    PayloadHashMismatch,
    CorruptPayload,
    DecompressedSizeExceeded,
    BaseMissing,
    ModelHashMismatch,
    NotOnnx,
    LoadFailed,
    SelfTestFailed,
    HealthWindow,
    Timeout,
    StorageError,

    /// <summary>The version is lower than the one running and the signed manifest does not allow a downgrade (anti-rollback).</summary>
    Downgrade,
}
