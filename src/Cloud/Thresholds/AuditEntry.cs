namespace Edge.Cloud.Thresholds;

using Edge.Shared.Config;

/// <summary>One change to a scope's setting, as <c>GET /v1/thresholds/audit</c> returns it.</summary>
internal sealed class AuditEntry
{
    public const string SettingKind = "setting";

    public const string BoundsKind = "bounds";

    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public required string By { get; init; }

    public ConfigScope Scope { get; init; }

    public string? Target { get; init; }

    /// <summary>The global config version the change took.</summary>
    public long Version { get; init; }

    /// <summary>The setting before the change; null when the scope had none.</summary>
    public ScopeSetting? From { get; init; }

    /// <summary>The setting after the change; null when the change cleared the scope.</summary>
    public ScopeSetting? To { get; init; }

    /// <summary><c>setting</c> (a threshold/config change: <see cref="From"/>/<see cref="To"/>) or <c>bounds</c> (<see cref="FromBounds"/>/<see cref="ToBounds"/>).</summary>
    public string Kind { get; init; } = SettingKind;

    public ScopeBounds? FromBounds { get; init; }

    public ScopeBounds? ToBounds { get; init; }

    /// <summary>Why: the operator's reason, the request line, or the controller's explanation of a move.</summary>
    public required string Reason { get; init; }
}
