namespace Edge.Demo;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Edge.Shared.Config;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;

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

    /// <summary>
    /// Sets the held-out data and top-1 floor the cloud judges every publish of <paramref name="name"/> on (an admin's
    /// call: the demo's token is the cloud's admin token).
    /// </summary>
    public async Task SetReferenceAsync(string name, string dataPath, double floor, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(dataPath, ct)), "data", Path.GetFileName(dataPath));
        form.Add(new StringContent(floor.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), "floor");
        var path = $"/v1/models/{name}/reference";
        using var response = await cloud.PutAsync(new Uri(path, UriKind.Relative), form, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>Publishes an ONNX file with its manifest to the registry, as uploaded or (<paramref name="int8"/>) quantized; returns the published manifest.</summary>
    public async Task<ModelManifest> PublishModelAsync(string name, string version, string onnxPath, string manifestPath, bool int8, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var model = new ByteArrayContent(await File.ReadAllBytesAsync(onnxPath, ct));
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(model, "model", "model.onnx");
        var manifest = new ByteArrayContent(await File.ReadAllBytesAsync(manifestPath, ct));
        manifest.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(manifest, "manifest", "manifest.json");
        if (int8)
        {
            // The digits the demo models were trained for: calibration inputs and the held-out set the gate judges on.
            var data = Path.Combine(AppContext.BaseDirectory, "models", "data");
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(data, "digits-calibration.json"), ct)), "calibration", "calibration.json");
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(data, "digits-heldout.json"), ct)), "heldout", "heldout.json");
        }

        var path = $"/v1/models/{name}/{version}" + (int8 ? "?quantize=int8" : string.Empty);
        using var response = await cloud.PostAsync(new Uri(path, UriKind.Relative), form, ct);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.ModelManifest, ct))!
            : throw new InvalidOperationException($"POST {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A rollout to one device: no canary split, halting on its first failure.</summary>
    public async Task<Rollout> RolloutToDeviceAsync(string model, string version, string deviceId, CancellationToken ct)
    {
        var request = new RolloutRequest
        {
            Model = model, Version = version, Scope = ConfigScope.Device, Target = deviceId, CanaryPercent = 100, MaxFailureShare = 0,
        };
        using var response = await cloud.PostAsJsonAsync("/v1/rollouts", request, EdgeJsonContext.Default.RolloutRequest, ct);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.Rollout, ct))!
            : throw new InvalidOperationException($"POST /v1/rollouts → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Polls the rollout until it is Completed, Halted or Aborted, or <paramref name="timeout"/> passed (then its state as it is).</summary>
    public async Task<Rollout> WaitRolloutFinishedAsync(string id, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var rollout = (await cloud.GetFromJsonAsync($"/v1/rollouts/{id}", EdgeJsonContext.Default.Rollout, ct))!;
            if (rollout.State is RolloutState.Completed or RolloutState.Halted or RolloutState.Aborted || Stopwatch.GetTimestamp() > deadline)
            {
                return rollout;
            }

            await Task.Delay(100, ct);
        }
    }
}
