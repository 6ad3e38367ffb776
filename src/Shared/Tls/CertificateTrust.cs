namespace Edge.Shared.Tls;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// Trust in a configured CA and nothing else: the chain is built with <see cref="X509ChainTrustMode.CustomRootTrust"/>
/// against the CA file's certificates, so neither the system store nor a certificate the peer sends along can vouch
/// for the peer. Never "accept any certificate".
/// </summary>
public static class CertificateTrust
{
    /// <summary>
    /// A remote-certificate check for <c>SslStream</c>. The platform's own verdict supplies the host-name check
    /// (<see cref="SslPolicyErrors.RemoteCertificateNameMismatch"/>); its chain verdict is replaced by one against
    /// <paramref name="roots"/>.
    /// </summary>
    /// <param name="checkName">True on a client (the server's name must match); false on a server checking a client.</param>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots, bool checkName)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        if (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);

        // A private CA publishes no revocation list; revoking a device is the broker's and the cloud's job (its credential).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent help build the path; they are not trusted for being sent.
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }
}
