namespace Edge.Agent.Mqtt;

using System.ComponentModel.DataAnnotations;

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
