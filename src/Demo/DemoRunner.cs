namespace Edge.Demo;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Routing;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary>
/// README command 1: the whole loop on one machine. Streams the held-out digits through the agent at
/// several operator thresholds, then stops the cloud and shows the agent still answering.
/// </summary>
internal static class DemoRunner
{
    private static readonly double[] DefaultThresholds = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01];

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var thresholds = ParseThresholds(args) ?? DefaultThresholds;
        if (Console.IsOutputRedirected)
        {
            // Logs and CI capture: 80 columns would wrap the tables.
            AnsiConsole.Profile.Width = 120;
        }
        var samples = LoadHeldOut();

        AnsiConsole.Write(new Rule("[bold]Edge[/] — device–cloud collaborative inference demo").LeftJustified());
        AnsiConsole.MarkupLine($"Held-out digits: [bold]{samples.Length}[/] real 8×8 handwritten digits never seen in training.");

        await using var stack = await AnsiConsole.Status().StartAsync(
            "Starting the Cloud (embedded MQTT broker, SQLite, cloud model) and an Agent…",
            _ => DemoStack.StartAsync(ct));
        using var agentHttp = new HttpClient { BaseAddress = stack.AgentUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var cloudHttp = stack.CreateCloudClient(TimeSpan.FromSeconds(30));
        var operatorApi = new OperatorApi(cloudHttp);
        await AnsiConsole.Status().StartAsync("Waiting for the agent to connect and report its config…",
            _ => operatorApi.WaitForDeviceAsync(DemoStack.DeviceId, ct));
        AnsiConsole.MarkupLine($"Cloud on [blue]{stack.CloudUrl}[/], agent [bold]{DemoStack.DeviceId}[/] (group {DemoStack.Group}) on [blue]{stack.AgentUrl}[/].");

        var cloudOnly = await MeasureCloudOnlyAsync(cloudHttp, samples, ct);

        // Warm both paths (JIT, connection pools) so the table shows steady-state latencies.
        await SetThresholdAsync(stack, operatorApi, 1.5, ct);
        await StreamAsync(agentHttp, samples[..32], null, ct);
        var rows = new List<CascadeRow>();
        await AnsiConsole.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                foreach (var threshold in thresholds)
                {
                    var task = progress.AddTask($"threshold {threshold:0.00}", maxValue: samples.Length);
                    var propagation = await SetThresholdAsync(stack, operatorApi, threshold, ct);
                    var stats = await StreamAsync(agentHttp, samples, task, ct);
                    rows.Add(new CascadeRow(threshold.ToString("0.00", CultureInfo.InvariantCulture), stats, propagation));
                }
            });

        var edgeOnly = rows[0].Stats.LocalAccuracy;
        AnsiConsole.Write(Tables.Cascade(rows, edgeOnly, cloudOnly));

        var updated = await UpdateStage.RunAsync(cloudHttp, agentHttp, samples, ct);

        var outageThreshold = thresholds.Where(t => t is > 0 and <= 1).DefaultIfEmpty(0.9).Max();
        await SetThresholdAsync(stack, operatorApi, outageThreshold, ct);
        await AnsiConsole.Status().StartAsync("Stopping the Cloud (and its broker)…", _ => stack.StopCloudAsync(ct));
        var outage = await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(p => StreamAsync(agentHttp, samples, p.AddTask("cloud down", maxValue: samples.Length), ct));
        AnsiConsole.Write(Tables.Outage(outageThreshold, outage));
        AnsiConsole.MarkupLine($"Degraded because: {Markup.Escape(outage.DegradedReasons)}");
        AnsiConsole.MarkupLine(outage.Count == samples.Length
            ? $"[green]The agent answered all {outage.Count} requests with the cloud down.[/]"
            : $"[red]Only {outage.Count} of {samples.Length} requests were answered.[/]");
        return outage.Count == samples.Length && updated ? 0 : 1;
    }

    private static async Task<double> SetThresholdAsync(DemoStack stack, OperatorApi api, double threshold, CancellationToken ct)
    {
        var applied = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        void OnChanged(RoutingSettings s)
        {
            if (Math.Abs(s.Threshold - threshold) < 1e-12)
            {
                applied.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }
        }

        stack.AgentConfig.Changed += OnChanged;
        try
        {
            await api.SetFleetThresholdAsync(threshold, ct);
            if (Math.Abs(stack.AgentConfig.Current.Threshold - threshold) < 1e-12)
            {
                applied.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }

            return await applied.Task.WaitAsync(TimeSpan.FromSeconds(15), ct);
        }
        finally
        {
            stack.AgentConfig.Changed -= OnChanged;
        }
    }

    private static async Task<PathStats> StreamAsync(HttpClient agent, DigitSample[] samples, ProgressTask? task, CancellationToken ct)
    {
        var stats = new PathStats();
        foreach (var sample in samples)
        {
            var payload = new TensorPayload { Shape = [1, 1, 8, 8], Data = sample.Pixels };
            using var response = await agent.PostAsJsonAsync("/v1/infer", payload, EdgeJsonContext.Default.TensorPayload, ct);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.InferenceAnswer, ct)
                ?? throw new InvalidOperationException("empty answer");
            stats.Add(answer, sample.Label);
            task?.Increment(1);
        }

        return stats;
    }

    private static async Task<double> MeasureCloudOnlyAsync(HttpClient cloud, DigitSample[] samples, CancellationToken ct)
    {
        var correct = 0;
        foreach (var sample in samples)
        {
            var payload = new TensorPayload { Shape = [1, 1, 8, 8], Data = sample.Pixels };
            using var response = await cloud.PostAsJsonAsync("/v1/infer", payload, EdgeJsonContext.Default.TensorPayload, ct);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.CloudAnswer, ct);
            correct += answer?.ClassIndex == sample.Label ? 1 : 0;
        }

        return (double)correct / samples.Length;
    }

    private static DigitSample[] LoadHeldOut()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "data", "digits-heldout.json");
        using var stream = File.OpenRead(path);
        return (JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.DigitDataset)
            ?? throw new InvalidDataException(path)).Samples;
    }

    private static double[]? ParseThresholds(string[] args)
    {
        var i = Array.IndexOf(args, "--thresholds");
        return i >= 0 && i + 1 < args.Length
            ? args[i + 1].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : null;
    }
}

internal sealed record CascadeRow(string Threshold, PathStats Stats, double PropagationMs);
