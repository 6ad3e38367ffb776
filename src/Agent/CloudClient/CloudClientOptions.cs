namespace Edge.Agent.CloudClient;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Tls;

/// <summary>
/// The cloud fallback. Section <c>Cloud</c>. Every wait is bounded by <see cref="Deadline"/>: when the cloud
/// cannot answer within it the caller gets the local answer (LocalDegraded) instead of waiting longer.
/// </summary>
internal sealed class CloudClientOptions : IValidatableObject
{
    public const string Section = "Cloud";

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:5000";

    /// <summary>
    /// The device's own secret, sent as <c>Authorization: Bearer</c> on every call to the cloud (set by
    /// <c>Agent:CredentialsFile</c>). Without it the cloud answers 401 and the agent answers locally.
    /// </summary>
    public string? DeviceToken { get; set; }

    /// <summary>
    /// PEM file of the CA(s) that vouch for the cloud's certificate, and nothing else (not the system store). Unset, an
    /// https <see cref="BaseUrl"/> is checked against the system's trusted roots.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The certificate the agent presents when the cloud asks for one (<c>Cloud:Tls:ClientCaPath</c> there).</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>True accepts a plain http <see cref="BaseUrl"/> beyond loopback (logged as a warning at start); false refuses to start.</summary>
    public bool AllowInsecure { get; set; }

    public bool IsInsecure => Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !Loopback.IsLoopbackHost(uri.Host);

    /// <summary>Overall budget for one cloud answer, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Budget for one attempt; a hung connection is abandoned and retried within the deadline.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Retries after the first attempt for transient failures (5xx, 408, connection errors, attempt timeouts). Never for 429.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base of the exponential backoff (with jitter) between attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Share of failed calls within <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    /// <remarks>
    /// The window is short on purpose: with a long one, the successes from before an outage outweigh the
    /// first failures and every request pays for its retries until they are outvoted (measured in the demo:
    /// 84 slow answers with 10 s, see docs/agent.md).
    /// </remarks>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within the sampling window before the ratio counts.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an open breaker answers LocalDegraded at once before letting a probe through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause after a 429 without a usable Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on a Retry-After pause, so a bogus header cannot silence the cloud for days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var https = Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
        if (IsInsecure && !AllowInsecure)
        {
            yield return new ValidationResult(
                $"Cloud:BaseUrl '{BaseUrl}' is plain HTTP to another machine; use https:// (with Cloud:CaCertificatePath for a private CA), or set Cloud:AllowInsecure=true to accept it",
                [nameof(BaseUrl)]);
        }

        var tlsSet = !string.IsNullOrEmpty(CaCertificatePath) || !string.IsNullOrEmpty(ClientCertificatePath) || !string.IsNullOrEmpty(ClientKeyPath);
        if (tlsSet && !https)
        {
            yield return new ValidationResult("Cloud:CaCertificatePath and Cloud:ClientCertificatePath need an https:// Cloud:BaseUrl", [nameof(BaseUrl)]);
        }

        foreach (var error in ClientTls.Errors("Cloud", CaCertificatePath, ClientCertificatePath, ClientKeyPath))
        {
            yield return new ValidationResult(error, [nameof(CaCertificatePath)]);
        }
    }
}
