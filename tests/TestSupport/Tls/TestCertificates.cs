namespace Edge.TestSupport.Tls;

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// A throw-away CA with a server certificate for 127.0.0.1/localhost and a client certificate, written as PEM files
/// into a folder (as an operator would make them with openssl, deploy/mosquitto/README.md). Valid from a day ago for
/// ten years, so a run under <c>faketime '+400 days'</c> still passes.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string folder, string name)
    {
        CaPath = System.IO.Path.Combine(folder, name + "-ca.pem");
        ServerCertificatePath = System.IO.Path.Combine(folder, name + "-server.pem");
        ServerKeyPath = System.IO.Path.Combine(folder, name + "-server.key");
        ClientCertificatePath = System.IO.Path.Combine(folder, name + "-client.pem");
        ClientKeyPath = System.IO.Path.Combine(folder, name + "-client.key");
    }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    /// <summary>Makes a CA named <paramref name="name"/> and its two certificates in <paramref name="folder"/>.</summary>
    /// <param name="clientName">The client certificate's common name (Mosquitto's <c>use_identity_as_username</c> reads it).</param>
    public static TestCertificates Create(string folder, string name = "edge-test", string clientName = "cam-01")
    {
        var files = new TestCertificates(folder, name);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddYears(10);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));
        File.WriteAllText(files.CaPath, ca.ExportCertificatePem());

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        Issue(ca, "CN=localhost", names.Build(), "1.3.6.1.5.5.7.3.1", notBefore, notAfter, files.ServerCertificatePath, files.ServerKeyPath);
        Issue(ca, $"CN={clientName}", null, "1.3.6.1.5.5.7.3.2", notBefore, notAfter, files.ClientCertificatePath, files.ClientKeyPath);
        return files;
    }

    private static void Issue(
        X509Certificate2 ca, string subject, X509Extension? names, string usage, DateTimeOffset notBefore, DateTimeOffset notAfter, string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        using var certificate = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }
}
