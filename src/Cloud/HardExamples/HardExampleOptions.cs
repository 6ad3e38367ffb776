namespace Edge.Cloud.HardExamples;

using System.ComponentModel.DataAnnotations;

/// <summary>Section <c>HardExamples</c>: limits on <c>POST /v1/hard-examples</c> and the list.</summary>
internal sealed class HardExampleOptions
{
    public const string Section = "HardExamples";

    /// <summary>A larger upload body gets 413 (enforced while reading). Base64 makes payloads a third larger.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxBatchBytes { get; set; } = 32 * 1024 * 1024;

    [Range(1, 100_000)]
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>One sample's payload; the same limit as a <c>/v1/infer</c> body by default.</summary>
    [Range(1, int.MaxValue)]
    public int MaxPayloadBytes { get; set; } = Edge.Shared.Inference.ContentTypes.DefaultMaxBodyBytes;

    [Range(1, 100_000)]
    public int MaxListLimit { get; set; } = 1000;
}
