namespace Edge.Cloud.Mqtt;

using System.Security.Cryptography;
using Microsoft.Extensions.Options;

/// <summary>
/// What the cloud's own MQTT client presents, and what the embedded broker accepts with full access.
/// Configured credentials win; with the embedded broker (which always wants a login) and none configured, both
/// sides of this one process share a random password, so the embedded broker needs no cloud secret in configuration.
/// </summary>
internal sealed class CloudCredentials
{
    public CloudCredentials(IOptions<CloudMqttOptions> options)
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.Username))
        {
            Username = o.Username;
            Password = o.Password;
        }
        else if (o.Embedded)
        {
            Username = o.ClientId;
            Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }
    }

    /// <summary>Null: connect anonymously.</summary>
    public string? Username { get; }

    public string? Password { get; }

    public bool Matches(string? username, string? password) =>
        Username is not null && !string.IsNullOrEmpty(Password) && string.Equals(username, Username, StringComparison.Ordinal) &&
        DevicePassword.Matches(Password, password);
}
