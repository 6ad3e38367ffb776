namespace Edge.Agent.Mqtt;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Tls;

/// <summary>
/// The agent's broker connection. Section <c>Mqtt</c>; env vars <c>Mqtt__Host</c>, <c>Mqtt__Port</c>, ...
/// TimeSpans use the invariant "hh:mm:ss" form ("00:00:15").
/// </summary>
internal sealed class MqttOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    /// <summary>False runs the agent without a broker (tests of other features, fully offline devices).</summary>
    public bool Enabled { get; set; } = true;

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool UseTls { get; set; }

    /// <summary>
    /// PEM file of the CA(s) that vouch for the broker's certificate, and nothing else (not the system store). Unset,
    /// <see cref="UseTls"/> checks the broker against the system's trusted roots. The host name is checked either way.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>The certificate the agent presents to a broker that asks for one (Mosquitto's <c>require_certificate</c>).</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The unencrypted PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>True accepts a plain (non-TLS) connection to a broker beyond loopback (logged as a warning at start); false refuses to start.</summary>
    public bool AllowInsecure { get; set; }

    public bool IsInsecure => Enabled && !UseTls && !Loopback.IsLoopbackHost(Host);

    /// <summary>Null or empty uses <c>Agent:DeviceId</c>: the broker keeps the persistent session under this id.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "ClientId may only contain letters, digits, '-', '_' and '.'")]
    public string? ClientId { get; set; }

    /// <summary>MQTT encodes keep-alive as 16-bit seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "18:12:15")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the broker keeps subscriptions and queued QoS 1 messages while the device is away.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            yield return new ValidationResult(
                "ReconnectMaxDelay must not be shorter than ReconnectMinDelay",
                [nameof(ReconnectMaxDelay), nameof(ReconnectMinDelay)]);
        }

        if (IsInsecure && !AllowInsecure)
        {
            yield return new ValidationResult(
                $"Mqtt:Host '{Host}' is another machine and Mqtt:UseTls is false; set Mqtt:UseTls=true (with Mqtt:CaCertificatePath for a private CA), or set Mqtt:AllowInsecure=true to accept it",
                [nameof(Host), nameof(UseTls)]);
        }

        var tlsSet = !string.IsNullOrEmpty(CaCertificatePath) || !string.IsNullOrEmpty(ClientCertificatePath) || !string.IsNullOrEmpty(ClientKeyPath);
        if (tlsSet && !UseTls)
        {
            yield return new ValidationResult("Mqtt:CaCertificatePath and Mqtt:ClientCertificatePath need Mqtt:UseTls=true", [nameof(UseTls)]);
        }

        foreach (var error in ClientTls.Errors("Mqtt", CaCertificatePath, ClientCertificatePath, ClientKeyPath))
        {
            yield return new ValidationResult(error, [nameof(CaCertificatePath)]);
        }

        if (string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Password is set but Username is not", [nameof(Username)]);
        }

        // An empty password is a login anyone can repeat; a broker that accepts it gives them this device's access.
        if (!string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Mqtt:Username is set but Mqtt:Password is not; set both, or neither for an anonymous broker", [nameof(Password)]);
        }
    }
}
