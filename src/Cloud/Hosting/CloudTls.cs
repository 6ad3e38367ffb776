namespace Edge.Cloud.Hosting;

using Edge.Cloud.Mqtt;
using Edge.Shared.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

/// <summary>
/// HTTPS from <c>Cloud:Tls</c>. The client-certificate check (mTLS) is Kestrel's own <see cref="ClientCertificateMode"/>
/// with a chain check against <c>Cloud:Tls:ClientCaPath</c> only, during the handshake: a client without a trusted
/// certificate never reaches an endpoint, so no authentication scheme or authorization policy has to know about it.
/// </summary>
internal static partial class CloudTls
{
    public static IHostApplicationBuilder AddCloudTls(this IHostApplicationBuilder builder)
    {
        // Read only when Kestrel binds its https addresses, after options validation has vouched for the files: reading
        // them earlier (when Kestrel's options are first resolved) would turn a bad file into a stack trace.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<CloudHostOptions>>((kestrel, host) => kestrel.ConfigureHttpsDefaults(https => Configure(https, host.Value.Tls)));
        builder.Services.AddHostedService<ListenerSecurityLog>();
        return builder;
    }

    private static void Configure(HttpsConnectionAdapterOptions https, CloudTlsOptions tls)
    {
        if (!tls.IsConfigured)
        {
            return;
        }

        https.ServerCertificate = TlsFiles.LoadCertificateWithKey(tls.CertificatePath!, tls.KeyPath!, "Cloud:Tls:CertificatePath", "Cloud:Tls:KeyPath");
        if (!string.IsNullOrEmpty(tls.ClientCaPath))
        {
            var roots = TlsFiles.LoadCertificates(tls.ClientCaPath, "Cloud:Tls:ClientCaPath");
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, chain, errors) => CertificateTrust.IsTrusted(certificate, chain, errors, roots, checkName: false);
        }
    }

    /// <summary>
    /// Says at start what the listeners protect, and warns for every plain address that Cloud:AllowInsecure let through
    /// and for a plain link to an external broker that Mqtt:AllowInsecure did (the embedded broker warns for its own).
    /// </summary>
    private sealed class ListenerSecurityLog(IOptions<CloudHostOptions> options, IOptions<CloudMqttOptions> mqtt, ILogger<ListenerSecurityLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            foreach (var url in o.InsecureUrls)
            {
                LogInsecure(logger, url);
            }

            if (o.Tls.IsConfigured)
            {
                LogHttps(logger, o.Tls.CertificatePath!, string.IsNullOrEmpty(o.Tls.ClientCaPath) ? "not asked for" : "required, trusted from " + o.Tls.ClientCaPath);
            }

            if (mqtt.Value is { Embedded: false, PlainBeyondLoopback: true } external)
            {
                LogInsecureBroker(logger, external.Host, external.Port);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 9601, Level = LogLevel.Warning, Message = "Cloud:AllowInsecure is set: {Url} serves plain HTTP beyond loopback; requests, tokens and camera payloads cross the network unencrypted")]
    private static partial void LogInsecure(ILogger logger, string url);

    [LoggerMessage(EventId = 9603, Level = LogLevel.Warning, Message = "Mqtt:AllowInsecure is set: the cloud reaches the broker at {Host}:{Port} without TLS; its login and every device's configuration cross the network unencrypted")]
    private static partial void LogInsecureBroker(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 9602, Level = LogLevel.Information, Message = "HTTPS with the certificate in {CertificatePath}; client certificates {ClientCertificates}")]
    private static partial void LogHttps(ILogger logger, string certificatePath, string clientCertificates);
}
