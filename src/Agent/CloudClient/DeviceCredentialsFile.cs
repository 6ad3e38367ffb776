namespace Edge.Agent.CloudClient;

using System.Net.Http.Headers;
using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Shared.Serialization;

/// <summary>
/// The device's one credential (<c>edge devices enroll</c> writes it; the installer drops it in place). It is read
/// once at start and layered over the configuration under the keys the agent already reads, so the rest of the agent
/// knows nothing of the file: the device id and group, the MQTT login (username = device id) and the bearer token.
/// </summary>
internal static class DeviceCredentialsFile
{
    private const int MaxBytes = 16 * 1024;

    public static void AddTo(IConfigurationManager configuration)
    {
        if (configuration[$"{AgentOptions.Section}:{nameof(AgentOptions.CredentialsFile)}"] is not { Length: > 0 } path)
        {
            return;
        }

        var full = Path.GetFullPath(path, AppContext.BaseDirectory);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new InvalidOperationException($"Agent:CredentialsFile {full} does not exist (edge devices enroll writes it)");
        }

        if (!OperatingSystem.IsWindows() && (info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"Agent:CredentialsFile {full} is readable or writable by other users; chmod 600 it");
        }

        if (info.Length > MaxBytes)
        {
            throw new InvalidOperationException($"Agent:CredentialsFile {full} is larger than {MaxBytes} bytes; it is not a credentials file");
        }

        var credentials = Read(full);
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AgentOptions.Section}:{nameof(AgentOptions.DeviceId)}"] = credentials.DeviceId,
            [$"{AgentOptions.Section}:{nameof(AgentOptions.Group)}"] = credentials.Group,
            [$"{MqttOptions.Section}:{nameof(MqttOptions.Username)}"] = credentials.DeviceId,
            [$"{MqttOptions.Section}:{nameof(MqttOptions.Password)}"] = credentials.Secret,
            [$"{CloudClientOptions.Section}:{nameof(CloudClientOptions.DeviceToken)}"] = credentials.Secret,
        });
    }

    public static void Authorize(HttpClient client, CloudClientOptions options)
    {
        if (options.DeviceToken is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static Edge.Shared.Security.DeviceCredentials Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), EdgeJsonContext.Default.DeviceCredentials)
                ?? throw new InvalidOperationException($"Agent:CredentialsFile {path} holds null, not a device's credentials");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Agent:CredentialsFile {path} is not a device credentials file ({ex.Message})", ex);
        }
    }
}
