namespace Edge.Integration.Tests.Updates;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;

/// <summary>What an operator does to ship a model: publish versions to the registry, roll one out to a device.</summary>
internal static class Registry
{
    /// <summary>
    /// What an admin does before the first publish of a name: the held-out data (<c>models/{dataFile}</c>) and top-1 floor
    /// the cloud judges every publish of it on.
    /// </summary>
    public static async Task SetReferenceAsync(HttpClient cloud, string model, string dataFile, double floor, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(RepoPaths.Model(dataFile), ct)), "data", Path.GetFileName(dataFile));
        form.Add(new StringContent(floor.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), "floor");
        using var response = await cloud.PutAsync(new Uri($"/v1/models/{model}/reference", UriKind.Relative), form, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"reference {model} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Publishes <c>models/{file}.onnx</c> with its manifest, as uploaded (no quantization).</summary>
    public static async Task PublishAsync(HttpClient cloud, string model, string version, string file, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var onnx = new ByteArrayContent(await File.ReadAllBytesAsync(RepoPaths.Model(file + ".onnx"), ct));
        onnx.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(onnx, "model", "model.onnx");
        var manifest = new ByteArrayContent(await File.ReadAllBytesAsync(RepoPaths.Model(file + ".manifest.json"), ct));
        manifest.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(manifest, "manifest", "manifest.json");
        using var response = await cloud.PostAsync(new Uri($"/v1/models/{model}/{version}", UriKind.Relative), form, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"publish {model} {version} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A rollout to one device, no canary split, halting on its first failure.</summary>
    public static async Task<Rollout> RolloutToDeviceAsync(HttpClient cloud, string model, string version, string device, CancellationToken ct)
    {
        var request = new RolloutRequest
        {
            Model = model, Version = version, Scope = ConfigScope.Device, Target = device, CanaryPercent = 100, MaxFailureShare = 0,
        };
        using var response = await cloud.PostAsJsonAsync("/v1/rollouts", request, EdgeJsonContext.Default.RolloutRequest, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/rollouts → {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize(text, EdgeJsonContext.Default.Rollout)!;
    }
}
