namespace Edge.Shared.Models;

/// <summary>One version in the cloud's model registry (<c>GET /v1/models</c>).</summary>
public sealed class PublishedModel
{
    public required string Name { get; set; }

    public required string Version { get; set; }

    /// <summary><c>int8</c> or <c>none</c> (published as uploaded).</summary>
    public required string Quantization { get; set; }

    public required string Sha256 { get; set; }

    public long SizeBytes { get; set; }

    public long SourceSizeBytes { get; set; }

    public double? Fp32Accuracy { get; set; }

    public double? Int8Accuracy { get; set; }

    public double? Int8Agreement { get; set; }

    public DateTimeOffset PublishedAt { get; set; }
}
