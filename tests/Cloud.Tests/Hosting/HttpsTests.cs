namespace Edge.Cloud.Tests.Hosting;

using System.Globalization;
using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Tls;
using Edge.TestSupport;
using Edge.TestSupport.Logging;
using Edge.TestSupport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serilog.Events;
using Xunit;

/// <summary>The real cloud on Kestrel with <c>Cloud:Tls</c>: HTTPS from PEM files, mTLS, and plain HTTP only on loopback unless allowed.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _certificates;
    private readonly int _port = FreePort.Next();

    public HttpsTests() => _certificates = TestCertificates.Create(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_https_url_serves_the_pem_certificate_instead_of_aborting()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync(Https());
        X509Certificate2? served = null;
        using var http = Client(_certificates.CaPath, clientCertificate: null, seen: c => served = c);

        using var response = await http.GetAsync($"https://127.0.0.1:{_port}/healthz", deadline.Token);

        Assert.NotNull(served);
        using var expected = X509CertificateLoader.LoadCertificateFromFile(_certificates.ServerCertificatePath);
        Assert.Equal(expected.Thumbprint, served.Thumbprint);
        Assert.Equal(new Version(1, 1), response.Version);
    }

    [Fact]
    public async Task A_client_that_trusts_another_ca_refuses_the_cloud()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync(Https());
        var other = TestCertificates.Create(_folder.Path, "other");
        using var http = Client(other.CaPath, clientCertificate: null);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://127.0.0.1:{_port}/healthz", deadline.Token));

        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task With_a_client_ca_a_client_without_a_certificate_is_refused_and_one_with_a_certificate_from_that_ca_gets_in()
    {
        using var deadline = Deadline.Within();
        var settings = Https();
        settings["Cloud:Tls:ClientCaPath"] = _certificates.CaPath;
        await using var cloud = await StartAsync(settings);
        var stranger = TestCertificates.Create(_folder.Path, "stranger");
        using var anonymous = Client(_certificates.CaPath, clientCertificate: null);
        using var foreign = Client(_certificates.CaPath, TlsFiles.LoadCertificateWithKey(stranger.ClientCertificatePath, stranger.ClientKeyPath, "c", "k"));
        using var device = Client(_certificates.CaPath, TlsFiles.LoadCertificateWithKey(_certificates.ClientCertificatePath, _certificates.ClientKeyPath, "c", "k"));

        var withoutCertificate = await Assert.ThrowsAnyAsync<Exception>(() => anonymous.GetAsync($"https://127.0.0.1:{_port}/healthz", deadline.Token));
        var withForeignCertificate = await Assert.ThrowsAnyAsync<Exception>(() => foreign.GetAsync($"https://127.0.0.1:{_port}/healthz", deadline.Token));
        using var admitted = await device.GetAsync($"https://127.0.0.1:{_port}/healthz", deadline.Token);

        Assert.IsType<HttpRequestException>(withoutCertificate);
        Assert.IsType<HttpRequestException>(withForeignCertificate);
        Assert.True((int)admitted.StatusCode is > 0 and < 500, $"the cloud answered {(int)admitted.StatusCode}");
    }

    [Theory]
    [InlineData("mismatched key", "is not the private key of the certificate in Cloud:Tls:CertificatePath")]
    [InlineData("missing certificate", "absent.pem' does not exist")]
    [InlineData("key that is not PEM", "holds no PEM private key")]
    [InlineData("certificate that is not PEM", "holds no PEM certificate")]
    public async Task A_tls_file_the_cloud_cannot_use_stops_it_with_one_sentence(string fault, string expected)
    {
        var settings = Https();
        var other = TestCertificates.Create(_folder.Path, "other");
        var garbage = Path.Combine(_folder.Path, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "not a PEM file", TestContext.Current.CancellationToken);
        switch (fault)
        {
            case "mismatched key": settings["Cloud:Tls:KeyPath"] = other.ServerKeyPath; break;
            case "missing certificate": settings["Cloud:Tls:CertificatePath"] = Path.Combine(_folder.Path, "absent.pem"); break;
            case "key that is not PEM": settings["Cloud:Tls:KeyPath"] = garbage; break;
            default: settings["Cloud:Tls:CertificatePath"] = garbage; break;
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://+:{0}")]
    [InlineData("http://[::]:{0}")]
    [InlineData("http://cloud.example.com:{0}")]
    [InlineData("http://127.0.0.1:{0};http://0.0.0.0:{0}")]
    public async Task Plain_http_beyond_loopback_stops_the_cloud_at_startup(string urls)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(Plain(urls)));

        Assert.Contains(ex.Failures, f => f.Contains("serves plain HTTP beyond loopback", StringComparison.Ordinal) && f.Contains("Cloud:AllowInsecure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_allow_insecure_plain_http_beyond_loopback_starts_and_says_so_as_a_warning()
    {
        using var deadline = Deadline.Within();
        var log = CollectedLog.Create();
        var settings = Plain("http://0.0.0.0:{0}");
        settings["Cloud:AllowInsecure"] = "true";
        foreach (var (key, value) in log.Settings)
        {
            settings[key] = value;
        }

        await using var cloud = await StartAsync(settings);
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{_port}/healthz", deadline.Token);

        Assert.Contains(log.Events, e => e is { Level: LogEventLevel.Warning, EventId: 9601 } && e.Message.Contains($"http://0.0.0.0:{_port}", StringComparison.Ordinal));
        Assert.True((int)response.StatusCode > 0);
    }

    [Theory]
    [InlineData("http://localhost:{0}")]
    [InlineData("http://127.0.0.1:{0};http://unix:{1}")]
    public async Task Loopback_and_unix_socket_plain_http_start_without_a_warning(string urls)
    {
        var log = CollectedLog.Create();
        var settings = Plain(urls.Replace("{1}", Path.Combine(_folder.Path, "cloud.sock"), StringComparison.Ordinal));
        foreach (var (key, value) in log.Settings)
        {
            settings[key] = value;
        }

        await using var cloud = await StartAsync(settings);

        Assert.DoesNotContain(log.Events, e => e.EventId == 9601);
        Assert.DoesNotContain(log.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Theory]
    [InlineData("Cloud:Tls:CertificatePath", "Cloud:Urls has an https address but Cloud:Tls:CertificatePath is not set")]
    [InlineData("Cloud:Urls", "Cloud:Tls is set but Cloud:Urls has no https address")]
    public async Task Tls_settings_that_do_not_fit_the_urls_stop_the_cloud(string removed, string expected)
    {
        var settings = Https();
        settings[removed] = removed == "Cloud:Urls" ? $"http://127.0.0.1:{_port}" : null;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    internal static HttpClient Client(string caPath, X509Certificate2? clientCertificate, Action<X509Certificate2>? seen = null)
    {
        var roots = TlsFiles.LoadCertificates(caPath, "ca");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            if (certificate is X509Certificate2 c)
            {
                seen?.Invoke(X509CertificateLoader.LoadCertificate(c.RawData));
            }

            return CertificateTrust.IsTrusted(certificate, chain, errors, roots, checkName: true);
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
    }

    private Dictionary<string, string?> Https()
    {
        var settings = Plain("https://127.0.0.1:{0}");
        settings["Cloud:Tls:CertificatePath"] = _certificates.ServerCertificatePath;
        settings["Cloud:Tls:KeyPath"] = _certificates.ServerKeyPath;
        return settings;
    }

    private Dictionary<string, string?> Plain(string urls) => new()
    {
        ["Cloud:Urls"] = string.Format(CultureInfo.InvariantCulture, urls, _port),
        ["Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder.Path, "cloud.db")}",
        ["Mqtt:EmbeddedPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Mqtt:ClientId"] = "edge-cloud-test-" + Guid.NewGuid().ToString("N")[..8],
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    private static async Task<Started> StartAsync(Dictionary<string, string?> settings)
    {
        var app = CloudApplication.Create([], settings);
        try
        {
            using var deadline = Deadline.Within(TimeSpan.FromSeconds(30));
            await app.StartAsync(deadline.Token);
            await app.Services.GetRequiredService<CloudMqttClient>().WaitConnectedAsync(deadline.Token);
            return new Started(app);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private sealed class Started(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await app.StopAsync(deadline.Token);
            await app.DisposeAsync();
        }
    }
}
