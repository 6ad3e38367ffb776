namespace Edge.Agent.Tests.CloudClient;

using Edge.Agent.CloudClient;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

/// <summary>The credentials file an installer drops in place sets the device's identity and its one secret, and nothing reads it if others can.</summary>
public sealed class DeviceCredentialsFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_owner_only_file_sets_the_device_id_group_mqtt_login_and_bearer_token()
    {
        var path = Write(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var agent = Edge.Agent.AgentApplication.Create([], new Dictionary<string, string?> { ["Agent:CredentialsFile"] = path, ["Agent:DeviceId"] = "configured-id" });

        var identity = agent.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var mqtt = agent.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        var cloud = agent.Services.GetRequiredService<IOptions<CloudClientOptions>>().Value;
        Assert.Equal(("cam-9", "dock"), (identity.DeviceId, identity.Group));
        Assert.Equal(("cam-9", "edge_secret-9"), (mqtt.Username, mqtt.Password));
        Assert.Equal("edge_secret-9", cloud.DeviceToken);
    }

    [Fact]
    public void A_file_other_users_can_read_refuses_start_in_one_sentence()
    {
        var path = Write(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var ex = Assert.Throws<InvalidOperationException>(() => Edge.Agent.AgentApplication.Create([], new Dictionary<string, string?> { ["Agent:CredentialsFile"] = path }));

        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    private string Write(UnixFileMode mode)
    {
        var path = Path.Combine(_folder.Path, "cam-9.credentials.json");
        File.WriteAllText(path, """{"deviceId":"cam-9","group":"dock","secret":"edge_secret-9"}""");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }
}
