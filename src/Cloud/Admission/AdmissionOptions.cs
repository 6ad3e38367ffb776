namespace Edge.Cloud.Admission;

using System.ComponentModel.DataAnnotations;

/// <summary>Section <c>Admission</c>: how much inference work the cloud takes on before it answers 429.</summary>
internal sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>Inferences running at once; more gain nothing on CPU-bound work.</summary>
    [Range(1, 4096)]
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Requests allowed to wait for a running slot; beyond this the answer is 429 at once.</summary>
    [Range(0, 100_000)]
    public int MaxQueue { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> a refused caller is given.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
