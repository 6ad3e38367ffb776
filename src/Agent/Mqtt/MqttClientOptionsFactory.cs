namespace Edge.Agent.Mqtt;

using Edge.Shared.Tls;
using MQTTnet;
using MQTTnet.Formatter;

internal static class MqttClientOptionsFactory
{
    /// <summary>
    /// MQTT 5 with a persistent session: clean start off and a session expiry, so QoS 1 messages sent
    /// while the device is offline wait for it at the broker.
    /// </summary>
    public static MqttClientOptions Create(MqttOptions options, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout);
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            // MQTTnet's own checks (system roots, host name) apply unless a CA is configured; then only that CA vouches.
            var validation = ClientTls.ServerValidation(MqttOptions.Section, options.CaCertificatePath);
            var certificate = ClientTls.ClientCertificate(MqttOptions.Section, options.ClientCertificatePath, options.ClientKeyPath);
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(options.Host);
                if (validation is not null)
                {
                    tls.WithCertificateValidationHandler(e => validation(e, e.Certificate, e.Chain, e.SslPolicyErrors));
                }

                if (certificate is not null)
                {
                    tls.WithClientCertificates([certificate]);
                }
            });
        }

        return builder.Build();
    }
}
