namespace Edge.Cloud.Mqtt;

using System.ComponentModel.DataAnnotations;
using System.Net;
using Edge.Shared.Config;

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

    /// <summary>External broker host, used when <see cref="Embedded"/> is false.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>
    /// The cloud client's credentials. With <see cref="Devices"/> set and no username, the embedded broker and the
    /// client share a random password made at startup (username = <see cref="ClientId"/>).
    /// </summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Device id → password for the embedded broker (<c>Mqtt__Devices__cam-01=...</c>); a value
    /// <c>sha256:&lt;hex&gt;</c> holds the SHA-256 of the password instead of the password. Empty (the default)
    /// leaves the broker open, as on a development loopback. Set, every client must log in: a device with its
    /// id as username and client id, allowed only its own topics (<see cref="BrokerAccess"/>).
    /// </summary>
    public Dictionary<string, string> Devices { get; set; } = new(StringComparer.Ordinal);

    public bool RequiresAuthentication => Embedded && Devices.Count > 0;

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

    /// <summary>The endpoint the cloud's own client connects to.</summary>
    public (string Host, int Port) ClientEndpoint => Embedded
        ? (IPAddress.TryParse(EmbeddedBindAddress, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) ? EmbeddedBindAddress : "127.0.0.1", EmbeddedPort)
        : (Host, Port);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Embedded && !IPAddress.TryParse(EmbeddedBindAddress, out _))
        {
            yield return new ValidationResult($"Mqtt:EmbeddedBindAddress '{EmbeddedBindAddress}' is not an IP address", [nameof(EmbeddedBindAddress)]);
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

    private IEnumerable<string> DeviceCredentialErrors()
    {
        if (Devices.Count > 0 && !Embedded)
        {
            // An external broker checks passwords itself; a silently ignored list would look like protection.
            yield return "Mqtt:Devices configures the embedded broker; secure an external broker with its own password file and ACL (deploy/mosquitto)";
        }

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
