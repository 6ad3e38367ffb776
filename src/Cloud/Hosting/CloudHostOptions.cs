namespace Edge.Cloud.Hosting;

using System.ComponentModel.DataAnnotations;

/// <summary>Where the cloud listens. Section <c>Cloud</c>; env var <c>Cloud__Urls</c>.</summary>
internal sealed class CloudHostOptions
{
    public const string Section = "Cloud";

    /// <summary>Loopback by default; a deployment sets a routable address explicitly.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5000";
}
