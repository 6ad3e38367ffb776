namespace Edge.Shared.Tests.Tls;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Edge.Shared.Tls;
using Edge.TestSupport;
using Edge.TestSupport.Tls;
using Xunit;

/// <summary>What counts as loopback, and trust in a configured CA only, on certificates made like an operator's.</summary>
public sealed class TlsRulesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("[::1]", true)]
    [InlineData("::1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("[::]", false)]
    [InlineData("*", false)]
    [InlineData("+", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("localhost.example.com", false)]
    public void Only_localhost_and_loopback_addresses_count_as_loopback(string host, bool loopback) =>
        Assert.Equal(loopback, Loopback.IsLoopbackHost(host));

    [Theory]
    [InlineData("http://*:5000", "http", "*")]
    [InlineData("http://+:5000/edge", "http", "+")]
    [InlineData("https://[::1]:5001", "https", "[::1]")]
    [InlineData("HTTP://0.0.0.0:80", "http", "0.0.0.0")]
    [InlineData("http://cloud.example.com", "http", "cloud.example.com")]
    public void Kestrel_listen_urls_give_their_scheme_and_host_even_with_wildcards(string url, string scheme, string host) =>
        Assert.Equal((scheme, host), Loopback.ParseListenUrl(url));

    [Fact]
    public void A_certificate_chains_to_its_own_ca_only()
    {
        var ours = TestCertificates.Create(_folder.Path, "ours");
        var theirs = TestCertificates.Create(_folder.Path, "theirs");
        using var server = X509CertificateLoader.LoadCertificateFromFile(ours.ServerCertificatePath);

        var trusted = CertificateTrust.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateChainErrors, TlsFiles.LoadCertificates(ours.CaPath, "ca"), checkName: true);
        var foreign = CertificateTrust.IsTrusted(server, null, SslPolicyErrors.None, TlsFiles.LoadCertificates(theirs.CaPath, "ca"), checkName: true);

        Assert.True(trusted);
        Assert.False(foreign);
    }

    [Fact]
    public void A_name_mismatch_or_a_missing_certificate_is_never_trusted()
    {
        var ours = TestCertificates.Create(_folder.Path);
        var roots = TlsFiles.LoadCertificates(ours.CaPath, "ca");
        using var server = X509CertificateLoader.LoadCertificateFromFile(ours.ServerCertificatePath);

        Assert.False(CertificateTrust.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateNameMismatch, roots, checkName: true));
        Assert.True(CertificateTrust.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateNameMismatch, roots, checkName: false));
        Assert.False(CertificateTrust.IsTrusted(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, roots, checkName: false));
    }

    [Fact]
    public void An_encrypted_key_is_one_sentence_asking_for_an_unencrypted_one()
    {
        var ours = TestCertificates.Create(_folder.Path);
        var encrypted = Path.Combine(_folder.Path, "encrypted.key");
        File.WriteAllText(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        var error = TlsFiles.CertificateWithKeyError(ours.ServerCertificatePath, encrypted, "X:CertificatePath", "X:KeyPath");

        Assert.Equal($"X:KeyPath '{encrypted}' is encrypted; give the key unencrypted, readable by this service's user only", error);
    }
}
