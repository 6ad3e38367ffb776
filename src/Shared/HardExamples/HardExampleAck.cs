namespace Edge.Shared.HardExamples;

/// <summary>
/// The cloud's answer to an upload. Every id of the batch is in exactly one list; both mean "stored, delete it":
/// <see cref="Duplicates"/> were already stored by an earlier upload whose acknowledgement was lost.
/// </summary>
public sealed class HardExampleAck
{
    public Guid[] Accepted { get; set; } = [];

    public Guid[] Duplicates { get; set; } = [];
}
