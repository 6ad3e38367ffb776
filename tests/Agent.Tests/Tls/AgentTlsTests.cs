namespace Edge.Agent.Tests.Tls;

using System.Globalization;
using System.Net;
using Edge.Agent.CloudClient;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.Shared.Tls;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Edge.TestSupport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Xunit;

/// <summary>
/// The agent's two links over TLS: the cloud client against a real HTTPS server and the MQTT connection against a
/// real Mosquitto with a TLS listener, trusting the configured CA only; and its refusal of plain text beyond loopback.
/// </summary>
public sealed class AgentTlsTests : IDisposable
{
    private const int ConnectedEventId = 5001;
    private const int ConnectFailedEventId = 5003;
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _certificates;

    public AgentTlsTests() => _certificates = TestCertificates.Create(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_cloud_client_trusting_the_ca_reaches_an_https_cloud()
    {
        using var deadline = Deadline();
        await using var server = await HttpsServer.StartAsync(_certificates, IPAddress.Loopback, requireClientCertificate: false, deadline.Token);
        using var host = CloudClient(server.Url, _certificates.CaPath);

        using var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CloudClientRegistration.PipelineName).GetAsync("ping", deadline.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_cloud_client_refuses_a_server_certificate_from_another_ca()
    {
        using var deadline = Deadline();
        await using var server = await HttpsServer.StartAsync(_certificates, IPAddress.Loopback, requireClientCertificate: false, deadline.Token);
        using var host = CloudClient(server.Url, TestCertificates.Create(_folder.Path, "other").CaPath);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CloudClientRegistration.PipelineName).GetAsync("ping", deadline.Token));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task The_cloud_client_refuses_a_certificate_from_the_ca_for_another_name()
    {
        using var deadline = Deadline();

        // The certificate names 127.0.0.1 and localhost; Linux answers on all of 127/8.
        await using var server = await HttpsServer.StartAsync(_certificates, IPAddress.Parse("127.0.0.2"), requireClientCertificate: false, deadline.Token);
        using var host = CloudClient(server.Url, _certificates.CaPath);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CloudClientRegistration.PipelineName).GetAsync("ping", deadline.Token));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task The_cloud_client_presents_its_certificate_to_a_cloud_that_requires_one()
    {
        using var deadline = Deadline();
        await using var server = await HttpsServer.StartAsync(_certificates, IPAddress.Loopback, requireClientCertificate: true, deadline.Token);
        using var anonymous = CloudClient(server.Url, _certificates.CaPath);
        using var device = CloudClient(server.Url, _certificates.CaPath, new()
        {
            ["Cloud:ClientCertificatePath"] = _certificates.ClientCertificatePath,
            ["Cloud:ClientKeyPath"] = _certificates.ClientKeyPath,
        });

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => anonymous.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CloudClientRegistration.PipelineName).GetAsync("ping", deadline.Token));
        using var response = await device.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CloudClientRegistration.PipelineName).GetAsync("ping", deadline.Token);

        Assert.NotNull(refused);
        Assert.Equal("CN=cam-01", await response.Content.ReadAsStringAsync(deadline.Token));
    }

    [Fact]
    public async Task The_mqtt_connection_trusting_the_ca_connects_to_mosquitto_over_tls()
    {
        using var deadline = Deadline();
        await using var broker = await TlsMosquittoAsync(requireCertificate: false, deadline.Token);
        using var connection = Connection(broker.Port, _certificates.CaPath);

        await connection.StartAsync(deadline.Token);
        await connection.WaitUntilConnectedAsync(deadline.Token);
        await connection.StopAsync(deadline.Token);
    }

    [Fact]
    public async Task The_mqtt_connection_refuses_a_broker_certificate_from_another_ca()
    {
        using var deadline = Deadline();
        await using var broker = await TlsMosquittoAsync(requireCertificate: false, deadline.Token);
        var log = new AwaitableLogCollector();
        using var connection = Connection(broker.Port, TestCertificates.Create(_folder.Path, "other").CaPath, log);

        await connection.StartAsync(deadline.Token);
        await log.WaitForEventAsync(ConnectFailedEventId, deadline.Token);
        await connection.StopAsync(deadline.Token);

        Assert.DoesNotContain(log.GetSnapshot(), r => r.Id.Id == ConnectedEventId);
    }

    [Fact]
    public async Task A_broker_that_requires_a_certificate_refuses_the_agent_without_one_and_admits_it_with_one()
    {
        using var deadline = Deadline();
        await using var broker = await TlsMosquittoAsync(requireCertificate: true, deadline.Token);
        var log = new AwaitableLogCollector();
        using var anonymous = Connection(broker.Port, _certificates.CaPath, log);
        using var device = Connection(broker.Port, _certificates.CaPath, clientCertificate: true);

        await anonymous.StartAsync(deadline.Token);
        await log.WaitForEventAsync(ConnectFailedEventId, deadline.Token);
        await anonymous.StopAsync(deadline.Token);
        await device.StartAsync(deadline.Token);
        await device.WaitUntilConnectedAsync(deadline.Token);
        await device.StopAsync(deadline.Token);

        Assert.DoesNotContain(log.GetSnapshot(), r => r.Id.Id == ConnectedEventId);
    }

    [Theory]
    [InlineData("Cloud:BaseUrl", "http://10.0.0.5:5000", "Cloud:AllowInsecure")]
    [InlineData("Cloud:BaseUrl", "http://cloud.example.com", "Cloud:AllowInsecure")]
    [InlineData("Mqtt:Host", "broker.example.com", "Mqtt:AllowInsecure")]
    [InlineData("Mqtt:Host", "10.0.0.5", "Mqtt:AllowInsecure")]
    [InlineData("Mqtt:CaCertificatePath", "/nonexistent/ca.pem", "Mqtt:UseTls=true")]
    [InlineData("Cloud:CaCertificatePath", "/nonexistent/ca.pem", "need an https:// Cloud:BaseUrl")]
    public void Plain_text_beyond_loopback_and_tls_files_without_tls_are_refused(string key, string value, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_ca_file_is_one_sentence_naming_the_key()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Mqtt:UseTls"] = "true",
            ["Mqtt:CaCertificatePath"] = "/nonexistent/ca.pem",
        }));

        Assert.Equal("Mqtt:CaCertificatePath '/nonexistent/ca.pem' does not exist", OptionsFailures.Describe(ex));
    }

    [Fact]
    public void Allow_insecure_accepts_plain_text_beyond_loopback()
    {
        var (cloud, mqtt) = Resolve(new()
        {
            ["Cloud:BaseUrl"] = "http://10.0.0.5:5000",
            ["Cloud:AllowInsecure"] = "true",
            ["Mqtt:Host"] = "10.0.0.5",
            ["Mqtt:AllowInsecure"] = "true",
        });

        Assert.True(cloud.IsInsecure);
        Assert.True(mqtt.IsInsecure);
    }

    [Fact]
    public async Task Allow_insecure_is_logged_as_a_warning_at_start()
    {
        using var deadline = Deadline();
        var logs = new FakeLogCollector();
        using var host = TestAgentHost.CloudClientOnly("http://10.0.0.5:5000", TimeProvider.System, new Dictionary<string, string?> { ["Cloud:AllowInsecure"] = "true" }, logs);

        await host.StartAsync(deadline.Token);
        await host.StopAsync(deadline.Token);

        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 9001 && r.Level == LogLevel.Warning);
    }

    private static (CloudClientOptions Cloud, MqttOptions Mqtt) Resolve(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<CloudClientOptions>().BindConfiguration(CloudClientOptions.Section).ValidateDataAnnotations();
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IOptions<CloudClientOptions>>().Value, provider.GetRequiredService<IOptions<MqttOptions>>().Value);
    }

    private static IHost CloudClient(string url, string caPath, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Cloud:CaCertificatePath"] = caPath;
        return TestAgentHost.CloudClientOnly(url, TimeProvider.System, settings);
    }

    private AgentMqttConnection Connection(int port, string caPath, AwaitableLogCollector? log = null, bool clientCertificate = false)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        var options = new MqttOptions
        {
            Port = port,
            UseTls = true,
            CaCertificatePath = caPath,
            ClientCertificatePath = clientCertificate ? _certificates.ClientCertificatePath : null,
            ClientKeyPath = clientCertificate ? _certificates.ClientKeyPath : null,
            ReconnectMinDelay = delay,
            ReconnectMaxDelay = delay,
        };
        var agent = new AgentOptions { DeviceId = "cam-01" };
        var logger = log is null
            ? (ILogger<AgentMqttConnection>)Microsoft.Extensions.Logging.Abstractions.NullLogger<AgentMqttConnection>.Instance
            : new FakeLogger<AgentMqttConnection>(log);
        return new AgentMqttConnection(Options.Create(options), Options.Create(agent), TimeProvider.System, logger);
    }

    private Task<MosquittoBroker> TlsMosquittoAsync(bool requireCertificate, CancellationToken cancellationToken) =>
        MosquittoBroker.StartAsync(
            folder =>
            {
                foreach (var file in new[] { _certificates.CaPath, _certificates.ServerCertificatePath, _certificates.ServerKeyPath })
                {
                    File.Copy(file, Path.Combine(folder.Directory, Path.GetFileName(file)));
                }

                return Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"""
                    listener {folder.Port} {MosquittoBroker.Host}
                    cafile {Path.Combine(folder.Directory, Path.GetFileName(_certificates.CaPath))}
                    certfile {Path.Combine(folder.Directory, Path.GetFileName(_certificates.ServerCertificatePath))}
                    keyfile {Path.Combine(folder.Directory, Path.GetFileName(_certificates.ServerKeyPath))}
                    allow_anonymous true
                    {(requireCertificate ? "require_certificate true\nuse_identity_as_username true" : "")}
                    persistence false
                    {MosquittoFiles.LogSettings}
                    """));
            },
            cancellationToken);

    private static CancellationTokenSource Deadline()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts;
    }

    /// <summary>A Kestrel HTTPS server with the test CA's server certificate, answering "/ping" with the client certificate's subject.</summary>
    private sealed class HttpsServer(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<HttpsServer> StartAsync(TestCertificates certificates, IPAddress address, bool requireClientCertificate, CancellationToken cancellationToken)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrelHttpsConfiguration();
            var certificate = TlsFiles.LoadCertificateWithKey(certificates.ServerCertificatePath, certificates.ServerKeyPath, "c", "k");
            var roots = TlsFiles.LoadCertificates(certificates.CaPath, "ca");
            builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (requireClientCertificate)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (c, chain, errors) => CertificateTrust.IsTrusted(c, chain, errors, roots, checkName: false);
                }
            })));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/ping", (HttpContext context) => context.Connection.ClientCertificate?.Subject ?? "anonymous");
            await app.StartAsync(cancellationToken);
            return new HttpsServer(app, $"https://{address}:{port}");
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
