namespace Edge.Cloud.Hosting;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Tls;

/// <summary>Where and how the cloud listens. Section <c>Cloud</c>; env vars <c>Cloud__Urls</c>, <c>Cloud__Tls__CertificatePath</c>, ...</summary>
internal sealed class CloudHostOptions : IValidatableObject
{
    public const string Section = "Cloud";

    /// <summary>Loopback by default; a deployment sets a routable address explicitly. Several are separated by ';'.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5000";

    /// <summary>The certificate every https address in <see cref="Urls"/> serves, and the optional client CA (mTLS).</summary>
    public CloudTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// True lets a plain http address in <see cref="Urls"/> be other than loopback (behind a TLS-terminating proxy,
    /// say); the cloud then logs a warning at start. False (the default) refuses to start that way.
    /// </summary>
    public bool AllowInsecure { get; set; }

    public IEnumerable<string> ListenUrls => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The plain http addresses that are not loopback: refused, or warned about under <see cref="AllowInsecure"/>.</summary>
    /// <remarks>A Unix socket (<c>http://unix:/run/edge.sock</c>) or named pipe never leaves the machine.</remarks>
    public IEnumerable<string> InsecureUrls => ListenUrls.Where(u =>
        Loopback.ParseListenUrl(u) is ("http", var host) && !Loopback.IsLoopbackHost(host) && host is not ("unix" or "pipe"));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var https = false;
        foreach (var url in ListenUrls)
        {
            switch (Loopback.ParseListenUrl(url))
            {
                case null or (not "http" and not "https", _):
                    yield return Error($"Cloud:Urls '{url}' is not an http:// or https:// address", nameof(Urls));
                    break;
                case ("https", _):
                    https = true;
                    break;
            }
        }

        foreach (var url in AllowInsecure ? [] : InsecureUrls)
        {
            yield return Error(
                $"Cloud:Urls '{url}' serves plain HTTP beyond loopback; use an https address with Cloud:Tls:CertificatePath and Cloud:Tls:KeyPath, or set Cloud:AllowInsecure=true to accept it",
                nameof(Urls));
        }

        foreach (var error in Tls.Errors(https))
        {
            yield return Error(error, nameof(Tls));
        }
    }

    private static ValidationResult Error(string message, string member) => new(message, [member]);
}

/// <summary>Section <c>Cloud:Tls</c>: PEM files, read at start (a file that cannot be used stops the cloud with one sentence).</summary>
internal sealed class CloudTlsOptions
{
    public string? CertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of <see cref="CertificatePath"/>; keep it readable by the cloud's user only.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Set, every HTTPS client must present a certificate that chains to one of this file's CAs (and to nothing
    /// else: not the system store); a client without one is refused during the handshake.
    /// </summary>
    public string? ClientCaPath { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(CertificatePath) || !string.IsNullOrEmpty(KeyPath);

    internal IEnumerable<string> Errors(bool httpsListed)
    {
        if (httpsListed && string.IsNullOrEmpty(CertificatePath))
        {
            yield return "Cloud:Urls has an https address but Cloud:Tls:CertificatePath is not set";
        }
        else if (!httpsListed && (IsConfigured || !string.IsNullOrEmpty(ClientCaPath)))
        {
            // A certificate nobody is served would look like protection.
            yield return "Cloud:Tls is set but Cloud:Urls has no https address";
        }

        if (!string.IsNullOrEmpty(CertificatePath) && string.IsNullOrEmpty(KeyPath))
        {
            yield return "Cloud:Tls:CertificatePath is set but Cloud:Tls:KeyPath is not";
        }
        else if (string.IsNullOrEmpty(CertificatePath) && !string.IsNullOrEmpty(KeyPath))
        {
            yield return "Cloud:Tls:KeyPath is set but Cloud:Tls:CertificatePath is not";
        }
        else if (IsConfigured && TlsFiles.CertificateWithKeyError(CertificatePath!, KeyPath!, "Cloud:Tls:CertificatePath", "Cloud:Tls:KeyPath") is { } error)
        {
            yield return error;
        }

        if (!string.IsNullOrEmpty(ClientCaPath) && TlsFiles.CertificatesError(ClientCaPath, "Cloud:Tls:ClientCaPath") is { } caError)
        {
            yield return caError;
        }
    }
}
