namespace Edge.Cloud.Telemetry;

using System.ComponentModel.DataAnnotations;

/// <summary>Section <c>Telemetry</c>: how the cloud keeps and sums the devices' telemetry windows.</summary>
internal sealed class TelemetryIngestOptions
{
    public const string Section = "Telemetry";

    /// <summary>Windows that ended within this long count towards a group's rates and histogram.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Horizon { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Windows kept in memory per device (older ones stay in SQLite only).</summary>
    [Range(1, 10_000)]
    public int WindowsPerDevice { get; set; } = 32;

    /// <summary>Windows waiting between the MQTT receive path and the database; beyond it a window is dropped and logged.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Largest telemetry message accepted.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 16 * 1024;
}
