namespace Edge.Demo;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Shared.Security;
using Edge.Shared.Serialization;

/// <summary>What <c>edge devices enroll</c> does, for the demo's one device: issue its credential and write its file (0600).</summary>
internal static class DeviceEnrollment
{
    public static async Task<string> EnrollAsync(Uri cloud, string adminToken, string deviceId, string group, string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cloud, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.PostAsJsonAsync(
            $"/v1/devices/{deviceId}/enroll", new DeviceEnrollRequest { Group = group }, EdgeJsonContext.Default.DeviceEnrollRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
        var credentials = await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.DeviceCredentials, cancellationToken)
            ?? throw new InvalidOperationException("the cloud answered the enrolment with null");
        OwnerOnlyFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(credentials, EdgeJsonContext.Default.DeviceCredentials));
        return path;
    }
}
