namespace Edge.Shared.HardExamples;

/// <summary>
/// A hard example as the cloud stores it, with the cloud model's label. One line of the export
/// (<c>GET /v1/hard-examples/export</c>, JSON lines); the list leaves <see cref="Payload"/> out.
/// </summary>
public sealed class StoredHardExample
{
    public Guid Id { get; set; }

    public required string DeviceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public required string ContentType { get; set; }

    public required string EdgeLabel { get; set; }

    public double EdgeScore { get; set; }

    public required string Reason { get; set; }

    /// <summary>Null when the cloud model could not read the payload (see <see cref="LabelError"/>).</summary>
    public string? CloudLabel { get; set; }

    public double? CloudScore { get; set; }

    /// <summary><c>name@version</c> of the model that labelled it.</summary>
    public string? CloudModel { get; set; }

    public string? LabelError { get; set; }

    public byte[]? Payload { get; set; }
}
