namespace Edge.Shared.HardExamples;

/// <summary>
/// Body of <c>POST /v1/hard-examples</c>: samples a device answered LocalDegraded, oldest first. Each item's
/// <see cref="HardExampleItem.Id"/> is generated once, when the device stored it, so a retried upload is recognised
/// and stored once.
/// </summary>
public sealed class HardExampleUpload
{
    public string? DeviceId { get; set; }

    public HardExampleItem[]? Items { get; set; }
}

/// <summary>One sample: the original request body (base64 in JSON) with what the edge made of it.</summary>
public sealed class HardExampleItem
{
    /// <summary>Idempotency key, generated on the device at enqueue.</summary>
    public Guid Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The body's media type as the device received it: <c>application/json</c>, <c>image/png</c>, <c>image/jpeg</c>.</summary>
    public string? ContentType { get; set; }

    /// <summary>The request body exactly as the device received it.</summary>
    public byte[]? Payload { get; set; }

    public string? LocalLabel { get; set; }

    public double LocalScore { get; set; }

    /// <summary>Why the cloud did not answer (<c>cloud-unreachable</c>, ...).</summary>
    public string? Reason { get; set; }
}
