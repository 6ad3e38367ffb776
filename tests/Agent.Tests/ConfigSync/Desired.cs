namespace Edge.Agent.Tests.ConfigSync;

using System.Text.Json;
using Edge.Shared.Config;
using Edge.Shared.Serialization;

/// <summary>Builds desired-config payloads the way the cloud serialises them.</summary>
internal static class Desired
{
    public static DesiredConfig Config(ConfigScope scope, string? target, long version, double? threshold = null, double? audit = null, ScoreFunction? score = null, string? epoch = null) => new()
    {
        Version = version,
        Epoch = epoch,
        Scope = scope,
        Target = scope == ConfigScope.Fleet ? null : target,
        Threshold = threshold,
        AuditSampleRate = audit,
        ScoreFunction = score,
        UpdatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        UpdatedBy = "test",
    };

    public static byte[] Json(ConfigScope scope, string? target, long version, double? threshold = null, double? audit = null, ScoreFunction? score = null, string? epoch = null) =>
        JsonSerializer.SerializeToUtf8Bytes(Config(scope, target, version, threshold, audit, score, epoch), EdgeJsonContext.Default.DesiredConfig);
}
