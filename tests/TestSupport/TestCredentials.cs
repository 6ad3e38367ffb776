namespace Edge.TestSupport;

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Credentials the test clouds are provisioned with, the way a deployment provisions its own: operator tokens by hash
/// in <c>Auth:Tokens</c>, the cloud client's broker login, and device secrets in <c>Mqtt:Devices</c>. Tests about
/// security make their own; every other test uses these so that it runs against a cloud as locked down as a real one.
/// </summary>
public static class TestCredentials
{
    public const string CloudUser = "edge-cloud-test";

    public const string CloudPassword = "test-cloud-broker-password";

    private static readonly string[] Roles = ["viewer", "operator", "publisher", "deployer", "admin"];

    /// <summary>The operator token a test cloud accepts for <paramref name="role"/>; its name is <c>test-{role}</c>.</summary>
    public static string Token(string role = "admin") => "edge_test_token_for_" + role;

    public static AuthenticationHeaderValue Bearer(string role = "admin") => new("Bearer", Token(role));

    /// <summary>A device's secret: its MQTT password and its HTTP bearer token.</summary>
    public static string DeviceSecret(string deviceId) => "test-device-secret-" + deviceId;

    /// <summary>Cloud settings: a token per role, the cloud's own broker login, and the given devices' secrets.</summary>
    public static Dictionary<string, string?> Cloud(params IEnumerable<string> deviceIds)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Username"] = CloudUser,
            ["Mqtt:Password"] = CloudPassword,
        };
        foreach (var role in Roles)
        {
            settings[$"Auth:Tokens:test-{role}:Role"] = role;
            settings[$"Auth:Tokens:test-{role}:Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token(role))));
        }

        foreach (var id in deviceIds)
        {
            settings[$"Mqtt:Devices:{id}"] = DeviceSecret(id);
        }

        return settings;
    }

    /// <summary>Agent settings for a device the cloud was given in <see cref="Cloud"/>.</summary>
    public static Dictionary<string, string?> Agent(string deviceId) => new()
    {
        ["Mqtt:Username"] = deviceId,
        ["Mqtt:Password"] = DeviceSecret(deviceId),
        ["Cloud:DeviceToken"] = DeviceSecret(deviceId),
    };

    /// <summary>An HTTP client for a test cloud, carrying <paramref name="role"/>'s token.</summary>
    public static HttpClient Client(Uri baseAddress, string role = "admin", TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = Bearer(role);
        return client;
    }
}
