namespace Edge.Demo;

using System.Diagnostics;
using System.Net.Http.Json;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Spectre.Console;

/// <summary>
/// The OTA step of the demo: the operator publishes the edge model again as 1.1.0 through the registry's INT8 pipeline
/// and rolls it out to the device; the agent downloads the signed package over MQTT, self-tests and swaps it in while
/// the held-out digits keep streaming through it.
/// </summary>
internal static class UpdateStage
{
    public const string Model = "digits-edge";
    public const string Version = "1.1.0";

    /// <summary>Top-1 the published file must reach on the cloud's reference set (the digits held out from training; FP32 scores about 93 %).</summary>
    public const double Floor = 0.9;

    public static async Task<bool> RunAsync(HttpClient cloud, HttpClient agent, DigitSample[] samples, CancellationToken ct)
    {
        var api = new OperatorApi(cloud);
        var models = Path.Combine(AppContext.BaseDirectory, "models");

        // The cloud publishes only what it can judge on data of its own: the admin sets the reference set first.
        await api.SetReferenceAsync(Model, Path.Combine(models, "data", "digits-heldout.json"), Floor, ct);
        var manifest = await AnsiConsole.Status().StartAsync($"Publishing {Model} {Version} as INT8 (quantize, accuracy gate)…", _ => api.PublishModelAsync(
            Model, Version, Path.Combine(models, "digits-edge.onnx"), Path.Combine(models, "digits-edge.manifest.json"), int8: true, ct));
        AnsiConsole.MarkupLine(
            $"Registry: {Model} {Version} INT8, held-out top-1 {manifest.Metrics?.Int8Accuracy:P1} (FP32 {manifest.Metrics?.Fp32Accuracy:P1}), reference top-1 {manifest.Metrics?.ReferenceAccuracy:P1} (floor {Floor:P0}), {manifest.SizeBytes:N0} bytes.");

        using var stop = new CancellationTokenSource();
        var streaming = StreamUntilAsync(agent, samples, stop.Token);
        var started = Stopwatch.GetTimestamp();
        var rollout = await api.RolloutToDeviceAsync(Model, Version, DemoStack.DeviceId, ct);
        var finished = await AnsiConsole.Status().StartAsync("Rolling out to the device (signed package over MQTT, self-test, swap)…",
            _ => api.WaitRolloutFinishedAsync(rollout.Id, TimeSpan.FromSeconds(60), ct));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await Task.Delay(200, ct);
        await stop.CancelAsync();
        var (answered, failed, versions) = await streaming;

        var device = finished.Devices?.FirstOrDefault();
        var ok = finished.State == RolloutState.Completed && failed == 0;
        AnsiConsole.MarkupLine(ok
            ? $"[green]Rollout {finished.Id} completed in {elapsed.TotalSeconds:0.0} s[/]: the agent now serves {Markup.Escape(string.Join(" → ", versions))}; {answered} requests answered during the update, {failed} failed."
            : $"[red]Rollout {finished.Id} ended {finished.State}: {Markup.Escape(finished.Reason ?? device?.Detail ?? "no reason")}; {failed} requests failed.[/]");
        return ok;
    }

    private static async Task<(int Answered, int Failed, List<string> Versions)> StreamUntilAsync(HttpClient agent, DigitSample[] samples, CancellationToken stop)
    {
        var (answered, failed, versions) = (0, 0, new List<string>());
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var payload = new TensorPayload { Shape = [1, 1, 8, 8], Data = samples[i % samples.Length].Pixels };
            try
            {
                using var response = await agent.PostAsJsonAsync("/v1/infer", payload, EdgeJsonContext.Default.TensorPayload, CancellationToken.None);
                var answer = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.InferenceAnswer, CancellationToken.None) : null;
                if (answer is null)
                {
                    failed++;
                    continue;
                }

                answered++;
                if (versions.Count == 0 || versions[^1] != answer.ModelVersion)
                {
                    versions.Add(answer.ModelVersion);
                }
            }
            catch (HttpRequestException)
            {
                failed++;
            }
        }

        return (answered, failed, versions);
    }
}
