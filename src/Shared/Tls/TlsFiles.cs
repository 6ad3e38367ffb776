namespace Edge.Shared.Tls;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// Reads the PEM files that TLS options name. Every way a file can be wrong (missing, unreadable, not PEM, a key
/// that belongs to another certificate) becomes a <see cref="TlsFileException"/> whose message is one sentence naming
/// the option and the file, so that options validation can report it as is.
/// </summary>
public static class TlsFiles
{
    /// <summary>A certificate with its private key, ready for <c>SslStream</c> on either side.</summary>
    /// <param name="certificateKey">The option that names the certificate file, e.g. <c>Cloud:Tls:CertificatePath</c>.</param>
    /// <param name="keyKey">The option that names the key file.</param>
    public static X509Certificate2 LoadCertificateWithKey(string certificatePath, string keyPath, string certificateKey, string keyKey)
    {
        Readable(certificatePath, certificateKey);
        Readable(keyPath, keyKey);
        var keyText = File.ReadAllText(keyPath);

        // Read first and alone: when the pair fails, this tells a bad certificate from a bad key.
        DisposeAll(LoadCertificates(certificatePath, certificateKey));

        if (keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new TlsFileException($"{keyKey} '{keyPath}' is encrypted; give the key unencrypted, readable by this service's user only");
        }

        X509Certificate2 pem;
        try
        {
            pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new TlsFileException(keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal)
                ? $"{keyKey} '{keyPath}' is not the private key of the certificate in {certificateKey} '{certificatePath}'"
                : $"{keyKey} '{keyPath}' holds no PEM private key");
        }

        using (pem)
        {
            // A PEM key is ephemeral; a PKCS #12 round trip gives a certificate SslStream can serve on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>Every certificate in a PEM bundle: the roots a configured CA file trusts, and nothing else.</summary>
    public static X509Certificate2Collection LoadCertificates(string path, string key)
    {
        Readable(path, key);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException)
        {
            throw new TlsFileException($"{key} '{path}' holds no PEM certificate that can be read");
        }

        return certificates.Count > 0 ? certificates : throw new TlsFileException($"{key} '{path}' holds no PEM certificate");
    }

    /// <summary>Null when the pair loads, otherwise the one sentence <see cref="LoadCertificateWithKey"/> would throw.</summary>
    public static string? CertificateWithKeyError(string certificatePath, string keyPath, string certificateKey, string keyKey)
    {
        try
        {
            LoadCertificateWithKey(certificatePath, keyPath, certificateKey, keyKey).Dispose();
            return null;
        }
        catch (TlsFileException e)
        {
            return e.Message;
        }
    }

    /// <summary>Null when the bundle loads, otherwise the one sentence <see cref="LoadCertificates"/> would throw.</summary>
    public static string? CertificatesError(string path, string key)
    {
        try
        {
            DisposeAll(LoadCertificates(path, key));
            return null;
        }
        catch (TlsFileException e)
        {
            return e.Message;
        }
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    private static void Readable(string path, string key)
    {
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsFileException($"{key} '{path}' does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"{key} '{path}' cannot be read: {e.Message.TrimEnd('.')}");
        }
    }
}

/// <summary>A TLS file named in configuration that cannot be used; the message is one sentence for the operator.</summary>
public sealed class TlsFileException(string message) : Exception(message);
