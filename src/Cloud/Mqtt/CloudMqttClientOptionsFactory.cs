namespace Edge.Cloud.Mqtt;

using Edge.Shared.Tls;
using MQTTnet;
using MQTTnet.Formatter;

internal static class CloudMqttClientOptionsFactory
{
    /// <summary>
    /// MQTT 5 with a clean start: unlike a device, the cloud needs no persistent session, because every
    /// subscription delivers the retained state again on connect.
    /// </summary>
    public static MqttClientOptions Create(CloudMqttOptions options, CloudCredentials credentials)
    {
        var (host, port, tls) = options.ClientEndpoint;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (credentials.Username is { } username)
        {
            builder.WithCredentials(username, credentials.Password);
        }

        if (tls && options.Embedded)
        {
            // The cloud's client talks to its own broker: it accepts exactly the certificate that broker was given
            // (pinned), whatever name the client dials it by and whichever CA issued it.
            var bundle = TlsFiles.LoadCertificates(options.Tls.CertificatePath!, "Mqtt:Tls:CertificatePath");
            var pinned = bundle[0].RawData;
            foreach (var certificate in bundle)
            {
                certificate.Dispose();
            }

            builder.WithTlsOptions(t => t
                .UseTls()
                .WithTargetHost(host)
                .WithCertificateValidationHandler(e => e.Certificate is { } presented && presented.GetRawCertData().AsSpan().SequenceEqual(pinned)));
        }
        else if (tls)
        {
            // An external broker: MQTTnet's own checks (system roots, host name) unless a CA is configured, then only that CA.
            var validation = ClientTls.ServerValidation(CloudMqttOptions.Section, options.CaCertificatePath);
            var client = ClientTls.ClientCertificate(CloudMqttOptions.Section, options.ClientCertificatePath, options.ClientKeyPath);
            builder.WithTlsOptions(t =>
            {
                t.UseTls().WithTargetHost(host);
                if (validation is not null)
                {
                    t.WithCertificateValidationHandler(e => validation(e, e.Certificate, e.Chain, e.SslPolicyErrors));
                }

                if (client is not null)
                {
                    t.WithClientCertificates([client]);
                }
            });
        }

        return builder.Build();
    }
}
