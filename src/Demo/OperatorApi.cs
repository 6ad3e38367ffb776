namespace Edge.Demo;

using System.Net;
using System.Net.Http.Json;
using Edge.Shared.Config;
using Edge.Shared.Serialization;

/// <summary>The calls an operator makes to the Cloud's HTTP API.</summary>
internal sealed class OperatorApi(HttpClient cloud)
{
    public async Task SetFleetThresholdAsync(double threshold, CancellationToken ct)
    {
        var update = new ThresholdUpdate { Threshold = threshold, By = "demo-operator" };
        using var response = await cloud.PutAsJsonAsync("/v1/thresholds/fleet", update, EdgeJsonContext.Default.ThresholdUpdate, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"PUT /v1/thresholds/fleet → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>Polls the Cloud until the device has reported its config (it is connected and subscribed).</summary>
    public async Task WaitForDeviceAsync(string deviceId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await cloud.GetAsync($"/v1/devices/{deviceId}", ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(50, ct);
        }

        throw new TimeoutException($"device {deviceId} did not report within 30 s");
    }
}
