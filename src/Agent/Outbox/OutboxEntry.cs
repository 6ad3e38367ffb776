namespace Edge.Agent.Outbox;

/// <summary>What an entry is; the order of the values is the order in which a full outbox gives them up, last first.</summary>
internal enum OutboxKind
{
    HardExample = 0,
    AuditSample = 1,
    Telemetry = 2,
}

/// <param name="Id">Generated at enqueue; the cloud's idempotency key.</param>
/// <param name="Payload">Owned by the entry (a copy of the request body).</param>
internal sealed record OutboxEntry(
    Guid Id,
    DateTimeOffset CreatedAt,
    OutboxKind Kind,
    string ContentType,
    byte[] Payload,
    string LocalLabel,
    double Score,
    string Reason);

/// <summary>Why entries left the outbox without being uploaded (the <c>reason</c> label of the drop counter).</summary>
internal static class DropReasons
{
    public const string Full = "full";
    public const string Expired = "expired";
    public const string WriterFull = "writer-full";
    public const string TooLarge = "too-large";
    public const string Rejected = "rejected";
    public const string WriteFailed = "write-failed";
}
