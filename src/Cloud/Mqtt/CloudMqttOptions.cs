namespace Edge.Cloud.Mqtt;

using System.ComponentModel.DataAnnotations;
using System.Net;
using Edge.Shared.Config;
using Edge.Shared.Tls;

/// <summary>
/// Section <c>Mqtt</c> (env vars <c>Mqtt__Embedded</c>, <c>Mqtt__Host</c>, ...). By default the cloud runs its own
/// broker on loopback and connects to it; with <see cref="Embedded"/> false it connects to an external broker
/// (Mosquitto, EMQX) at <see cref="Host"/>:<see cref="Port"/> instead.
/// </summary>
internal sealed class CloudMqttOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    public bool Embedded { get; set; } = true;

    [Range(1, 65535)]
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>Loopback by default: exposing the broker to devices is a deployment decision.</summary>
    [Required]
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>The embedded broker's TLS listener (section <c>Mqtt:Tls</c>); configured, it replaces the plain one.</summary>
    public BrokerTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// True lets the embedded broker's plain listener bind beyond loopback (it then logs a warning at start); false (the
    /// default) refuses to start that way: devices' passwords and configuration would cross the network in clear.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>External broker host, used when <see cref="Embedded"/> is false.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>TLS to the external broker (<see cref="Embedded"/> false); the embedded broker's listener is <see cref="Tls"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// PEM file of the CA(s) that vouch for the external broker's certificate, and nothing else (not the system store).
    /// Unset, <see cref="UseTls"/> checks the broker against the system's trusted roots. The host name is checked either way.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The certificate the cloud presents to an external broker that asks for one (Mosquitto's <c>require_certificate</c>).</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>
    /// The cloud client's credentials. With the embedded broker and no username, the broker and the client share a
    /// random password made at startup (username = <see cref="ClientId"/>).
    /// </summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Device id → password for the embedded broker, beside the devices enrolled through the API
    /// (<c>Mqtt__Devices__cam-01=...</c>); a value <c>sha256:&lt;hex&gt;</c> holds the SHA-256 of the password instead of
    /// the password. Every client logs in: a device with its id as username and client id, allowed only its own
    /// topics (<see cref="BrokerAccess"/>). The same password is the device's bearer token on the HTTP API.
    /// </summary>
    public Dictionary<string, string> Devices { get; set; } = new(StringComparer.Ordinal);


    /// <summary>Must be unique per cloud process on a shared broker, or the instances keep taking each other's session.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ClientId { get; set; } = "edge-cloud";

    [Range(10, 60_000)]
    public int ReconnectMinDelayMs { get; set; } = 500;

    [Range(100, 600_000)]
    public int ReconnectMaxDelayMs { get; set; } = 30_000;

    /// <summary>How long a QoS 1 publish waits for the broker's acknowledgement.</summary>
    [Range(100, 120_000)]
    public int PublishTimeoutMs { get; set; } = 5_000;

    [Range(5, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>Whether the embedded broker keeps a plain listener: without TLS, or on loopback beside it when asked to.</summary>
    public bool PlainListener => !Tls.IsConfigured || Tls.KeepPlainOnLoopback;

    /// <summary>The plain listener's address: loopback when it stays beside a TLS listener.</summary>
    public string PlainBindAddress => Tls.IsConfigured ? "127.0.0.1" : EmbeddedBindAddress;

    /// <summary>
    /// The endpoint the cloud's own client connects to, and whether over TLS: the embedded broker's plain listener
    /// when there is one (it is on loopback whenever TLS is on), otherwise its TLS listener.
    /// </summary>
    public (string Host, int Port, bool Tls) ClientEndpoint => Embedded
        ? PlainListener
            ? (Reachable(PlainBindAddress), EmbeddedPort, false)
            : (Reachable(EmbeddedBindAddress), Tls.Port, true)
        : (Host, Port, UseTls);

    /// <summary>
    /// Plain text beyond loopback: the embedded broker's plain listener, or the client's link to an external broker.
    /// Refused, or warned about under <see cref="AllowInsecure"/>.
    /// </summary>
    public bool PlainBeyondLoopback => Embedded
        ? PlainListener && !Loopback.IsLoopbackHost(PlainBindAddress)
        : !UseTls && !Loopback.IsLoopbackHost(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Embedded && !IPAddress.TryParse(EmbeddedBindAddress, out _))
        {
            yield return new ValidationResult($"Mqtt:EmbeddedBindAddress '{EmbeddedBindAddress}' is not an IP address", [nameof(EmbeddedBindAddress)]);
        }

        if (PlainBeyondLoopback && !AllowInsecure && !Embedded)
        {
            yield return new ValidationResult(
                $"Mqtt:Host '{Host}' is another machine and Mqtt:UseTls is false; set Mqtt:UseTls=true (with Mqtt:CaCertificatePath for a private CA), or set Mqtt:AllowInsecure=true to accept it",
                [nameof(Host), nameof(UseTls)]);
        }
        else if (PlainBeyondLoopback && !AllowInsecure && IPAddress.TryParse(EmbeddedBindAddress, out _))
        {
            yield return new ValidationResult(
                $"Mqtt:EmbeddedBindAddress '{EmbeddedBindAddress}' opens the embedded broker beyond loopback without TLS; set Mqtt:Tls:CertificatePath and Mqtt:Tls:KeyPath, or set Mqtt:AllowInsecure=true to accept it",
                [nameof(EmbeddedBindAddress)]);
        }

        foreach (var error in Tls.Errors(Embedded, EmbeddedPort))
        {
            yield return new ValidationResult(error, [nameof(Tls)]);
        }

        foreach (var error in ExternalTlsErrors())
        {
            yield return new ValidationResult(error, [nameof(UseTls)]);
        }

        if (ReconnectMaxDelayMs < ReconnectMinDelayMs)
        {
            yield return new ValidationResult("Mqtt:ReconnectMaxDelayMs must not be below Mqtt:ReconnectMinDelayMs", [nameof(ReconnectMaxDelayMs)]);
        }

        // An empty password is a login anyone can repeat: on the embedded broker it would be the cloud's own full access.
        if (!string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Mqtt:Username is set but Mqtt:Password is not; set both, or neither (the embedded broker then makes its own)", [nameof(Password)]);
        }

        foreach (var error in DeviceCredentialErrors())
        {
            yield return new ValidationResult(error, [nameof(Devices)]);
        }
    }

    private IEnumerable<string> ExternalTlsErrors()
    {
        var files = !string.IsNullOrEmpty(CaCertificatePath) || !string.IsNullOrEmpty(ClientCertificatePath) || !string.IsNullOrEmpty(ClientKeyPath);
        if (Embedded && (UseTls || files))
        {
            yield return "Mqtt:UseTls, Mqtt:CaCertificatePath and Mqtt:ClientCertificatePath are for an external broker; the embedded broker's TLS listener is Mqtt:Tls";
            yield break;
        }

        if (files && !UseTls)
        {
            yield return "Mqtt:CaCertificatePath and Mqtt:ClientCertificatePath need Mqtt:UseTls=true";
        }

        foreach (var error in ClientTls.Errors(Section, CaCertificatePath, ClientCertificatePath, ClientKeyPath))
        {
            yield return error;
        }
    }

    /// <summary>A wildcard bind address is reached on loopback.</summary>
    private static string Reachable(string bindAddress) =>
        IPAddress.TryParse(bindAddress, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) ? bindAddress : "127.0.0.1";

    private IEnumerable<string> DeviceCredentialErrors()
    {
        foreach (var (id, password) in Devices)
        {
            if (ConfigRules.ValidateName(id, "Mqtt:Devices device id") is { } nameError)
            {
                yield return nameError;
            }
            else if (id == ClientId || id == Username)
            {
                yield return $"Mqtt:Devices may not contain '{id}': it is the cloud's own client id or username";
            }

            if (!DevicePassword.IsWellFormed(password))
            {
                yield return $"Mqtt:Devices:{id} must be a non-empty password or 'sha256:' followed by 64 hex digits";
            }
        }
    }
}

/// <summary>Section <c>Mqtt:Tls</c>: the embedded broker's TLS listener, from PEM files read at start.</summary>
internal sealed class BrokerTlsOptions
{
    public string? CertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of <see cref="CertificatePath"/>; keep it readable by the cloud's user only.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The TLS listener's port, on <c>Mqtt:EmbeddedBindAddress</c>.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8883;

    /// <summary>
    /// True keeps the plain listener too, on 127.0.0.1:<c>Mqtt:EmbeddedPort</c> only (for local tools and the cloud's own
    /// client); false (the default) leaves TLS as the only way in.
    /// </summary>
    public bool KeepPlainOnLoopback { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(CertificatePath) || !string.IsNullOrEmpty(KeyPath);

    internal IEnumerable<string> Errors(bool embedded, int plainPort)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        if (!embedded)
        {
            yield return "Mqtt:Tls configures the embedded broker's listener; give an external broker its own certificate (deploy/mosquitto)";
            yield break;
        }

        if (string.IsNullOrEmpty(CertificatePath) || string.IsNullOrEmpty(KeyPath))
        {
            yield return "Mqtt:Tls needs both Mqtt:Tls:CertificatePath and Mqtt:Tls:KeyPath";
        }
        else if (TlsFiles.CertificateWithKeyError(CertificatePath, KeyPath, "Mqtt:Tls:CertificatePath", "Mqtt:Tls:KeyPath") is { } error)
        {
            yield return error;
        }

        if (Port is < 1 or > 65535)
        {
            yield return "Mqtt:Tls:Port must be between 1 and 65535";
        }
        else if (KeepPlainOnLoopback && Port == plainPort)
        {
            yield return $"Mqtt:Tls:Port {Port} is also Mqtt:EmbeddedPort; the plain listener kept on loopback needs a port of its own";
        }
    }
}
