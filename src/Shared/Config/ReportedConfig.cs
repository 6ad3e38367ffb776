namespace Edge.Shared.Config;

/// <summary>What a device applied, published retained on its <c>config/reported</c> topic.</summary>
public sealed class ReportedConfig
{
    public required string DeviceId { get; init; }

    public string? Group { get; set; }

    /// <summary>The effective threshold after merging scopes.</summary>
    public double Threshold { get; init; }

    /// <summary>The scope the effective threshold came from; null when it is the agent's local default.</summary>
    public ConfigScope? ThresholdSource { get; init; }

    public double AuditSampleRate { get; init; }

    public ScoreFunction ScoreFunction { get; init; }

    /// <summary>Last applied version per scope (absent when the scope never sent anything).</summary>
    public long? FleetVersion { get; init; }

    public long? GroupVersion { get; init; }

    public long? DeviceVersion { get; init; }

    public DateTimeOffset AppliedAt { get; init; }

    /// <summary>The last refused desired config, kept until a valid one replaces it.</summary>
    public ConfigError? LastError { get; init; }

    public string? ModelName { get; init; }

    public string? ModelVersion { get; init; }

    public string? ExecutionProvider { get; init; }
}

public sealed class ConfigError
{
    public ConfigScope? Scope { get; init; }

    public long? Version { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset At { get; init; }
}
