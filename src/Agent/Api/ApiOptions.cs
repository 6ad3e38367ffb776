namespace Edge.Agent.Api;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Inference;

/// <summary>The local HTTP API. Section <c>Api</c>.</summary>
internal sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest request body; enforced while reading (a missing or lying Content-Length does not get past it).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = ContentTypes.DefaultMaxBodyBytes;
}
