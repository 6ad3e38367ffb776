namespace Edge.Agent.Hosting;

using System.ComponentModel.DataAnnotations;

/// <summary>Identity of this device. Section <c>Agent</c>; env vars <c>Agent__DeviceId</c>, <c>Agent__Group</c>.</summary>
internal sealed class AgentOptions
{
    public const string Section = "Agent";

    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "DeviceId may only contain letters, digits, '-', '_' and '.'")]
    public string DeviceId { get; set; } = "dev-001";

    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Group may only contain letters, digits, '-', '_' and '.'")]
    public string Group { get; set; } = "default";

    /// <summary>Local API address. Loopback by default: the device's API is not for the network.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Where the agent keeps state that must survive a reboot (applied config, ...). Null uses
    /// <c>$STATE_DIRECTORY</c> when systemd sets it (<c>StateDirectory=</c> in the unit), else <c>state</c>
    /// under the content root. Relative paths are relative to the content root.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// The credentials file <c>edge devices enroll</c> wrote for this device (JSON: deviceId, group, secret). It sets
    /// <see cref="DeviceId"/>, <see cref="Group"/>, the MQTT login and the cloud bearer token; it must be readable by the
    /// agent's user only.
    /// </summary>
    public string? CredentialsFile { get; set; }

    public string ResolveStateDirectory(string contentRoot)
    {
        var configured = StateDirectory;
        if (string.IsNullOrWhiteSpace(configured))
        {
            // systemd passes a colon-separated list when the unit names several directories; the first is ours.
            configured = Environment.GetEnvironmentVariable("STATE_DIRECTORY")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        }

        return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "state" : configured, contentRoot);
    }
}
