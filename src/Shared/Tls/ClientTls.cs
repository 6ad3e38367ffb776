namespace Edge.Shared.Tls;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// A client's side of TLS, the same for every link (the agent's <c>Cloud</c> and <c>Mqtt</c> sections, the cloud's client of
/// an external broker):
/// <c>CaCertificatePath</c> set, the server must chain to that CA only and match the host name; unset, the system's
/// trusted roots decide. An optional client certificate is presented when the server asks. Never "accept any".
/// </summary>
public static class ClientTls
{
    /// <summary>What options validation reports: one sentence for each file that cannot be used.</summary>
    public static IEnumerable<string> Errors(string section, string? caPath, string? clientCertificatePath, string? clientKeyPath)
    {
        if (!string.IsNullOrEmpty(caPath) && TlsFiles.CertificatesError(caPath, $"{section}:CaCertificatePath") is { } caError)
        {
            yield return caError;
        }

        if (string.IsNullOrEmpty(clientCertificatePath) != string.IsNullOrEmpty(clientKeyPath))
        {
            yield return $"{section}:ClientCertificatePath and {section}:ClientKeyPath go together; set both or neither";
        }
        else if (!string.IsNullOrEmpty(clientCertificatePath) &&
                 TlsFiles.CertificateWithKeyError(clientCertificatePath, clientKeyPath!, $"{section}:ClientCertificatePath", $"{section}:ClientKeyPath") is { } error)
        {
            yield return error;
        }
    }

    /// <summary>The server check: against the configured CA, or null to leave the platform's default (system roots, host name).</summary>
    public static RemoteCertificateValidationCallback? ServerValidation(string section, string? caPath)
    {
        if (string.IsNullOrEmpty(caPath))
        {
            return null;
        }

        var roots = TlsFiles.LoadCertificates(caPath, $"{section}:CaCertificatePath");
        return (_, certificate, chain, errors) => CertificateTrust.IsTrusted(certificate, chain, errors, roots, checkName: true);
    }

    /// <summary>The client certificate to present, or null.</summary>
    public static X509Certificate2? ClientCertificate(string section, string? certificatePath, string? keyPath) =>
        string.IsNullOrEmpty(certificatePath) || string.IsNullOrEmpty(keyPath)
            ? null
            : TlsFiles.LoadCertificateWithKey(certificatePath, keyPath, $"{section}:ClientCertificatePath", $"{section}:ClientKeyPath");
}
