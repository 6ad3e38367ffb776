namespace Edge.Bench;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Demo;
using Edge.Shared.Inference;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// One rollout of camera-mnv2 v1 → v2 per block size, through a real Mosquitto, while two clients keep asking the agent:
/// download time (first Downloading report to Verifying), time from the rollout to the swap (HealthCheck), and answer
/// latency before the rollout (the 2 s before it: steady state) against the apply window (Verifying → swap + 1 s), with
/// every failed request counted as dropped. The run ends when the 2 s health window reports Applied.
/// </summary>
internal static class OtaTransferBench
{
    private const string Model = "camera-mnv2";

    public static async Task RunAsync(int[] blockKiB)
    {
        Console.WriteLine();
        Console.WriteLine("camera-mnv2 v1 → v2 through Mosquitto (set_tcp_nodelay true), 2 clients asking the agent throughout");
        Console.WriteLine($"{"block",7} {"payload",-15} {"blocks",7} {"download s",11} {"to swap s",13} {"steady p99 ms",14} {"swap p99 ms",12} {"steady max",11} {"swap max",9} {"answers",8} {"dropped",8}");
        foreach (var kib in blockKiB)
        {
            await OneAsync(kib * 1024);
        }
    }

    private static async Task OneAsync(int blockSize)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        await using var stack = await DemoStack.StartAsync(
            CancellationToken.None,
            mosquitto.Port,
            new Dictionary<string, string?> { ["Rollouts:BlockSizeBytes"] = blockSize.ToString(CultureInfo.InvariantCulture) },
            new Dictionary<string, string?> { ["Inference:Manifest"] = RepoPaths.Model("camera-mnv2-v1.manifest.json") });
        using var cloud = stack.CreateCloudClient(TimeSpan.FromMinutes(2));
        using var agent = new HttpClient { BaseAddress = stack.AgentUrl };
        var api = new OperatorApi(cloud);

        // Both camera models were trained on the digits; the held-out ones are the reference every publish is judged on.
        await api.SetReferenceAsync(Model, RepoPaths.Data("digits-heldout.json"), 0.9, CancellationToken.None);
        foreach (var (version, file) in new[] { ("1.0.0", "camera-mnv2-v1"), ("2.0.0", "camera-mnv2-v2") })
        {
            await api.PublishModelAsync(Model, version, RepoPaths.Model(file + ".onnx"), RepoPaths.Model(file + ".manifest.json"), int8: false, CancellationToken.None);
        }

        var statuses = Channel.CreateUnbounded<(long At, ModelStatus Status)>();
        using var observer = new MqttClientFactory().CreateMqttClient();
        observer.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Payload.Length > 0)
            {
                var status = JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), EdgeJsonContext.Default.ModelStatus)!;
                statuses.Writer.TryWrite((Stopwatch.GetTimestamp(), status));
            }

            return Task.CompletedTask;
        };
        await observer.ConnectAsync(new MqttClientOptionsBuilder().WithClientId("ota-bench").WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword).WithTcpServer("127.0.0.1", mosquitto.Port).Build());
        await observer.SubscribeAsync(Topics.ModelStatus(DemoStack.DeviceId), MqttQualityOfServiceLevel.AtLeastOnce);

        var samples = new ConcurrentQueue<(long Start, double Ms, bool Ok)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 2).Select(w => Task.Run(() => LoadAsync(agent, w, samples, stop.Token))).ToArray();
        await Task.Delay(3000);
        var rolloutAt = Stopwatch.GetTimestamp();
        await api.RolloutToDeviceAsync(Model, "2.0.0", DemoStack.DeviceId, CancellationToken.None);

        long? downloading = null, verifying = null, swapped = null, applied = null;
        ModelStatus? last = null;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (applied is null)
        {
            var (at, status) = await statuses.Reader.ReadAsync(limit.Token);
            last = status;
            downloading ??= status.State == UpdateState.Downloading ? at : null;
            verifying ??= status.State == UpdateState.Verifying ? at : null;
            swapped ??= status.State == UpdateState.HealthCheck ? at : null;
            applied = status.State is UpdateState.Applied && status.RunningVersion == "2.0.0" ? at : status.State is UpdateState.Failed or UpdateState.RolledBack
                ? throw new InvalidOperationException($"update failed: {status.Failure} {status.Detail}")
                : null;
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var all = samples.ToArray();
        // Steady state: the 2 s before the rollout (the first second warms up JIT and connections).
        var steady = all.Where(s => s.Start < rolloutAt && s.Start >= rolloutAt - (2 * Stopwatch.Frequency)).Select(s => s.Ms).ToArray();
        var swap = all.Where(s => s.Start >= verifying && s.Start <= swapped + Stopwatch.Frequency).Select(s => s.Ms).ToArray();
        var dropped = all.Count(s => !s.Ok);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{blockSize / 1024,5}KB {last!.PayloadKind + " " + last.PayloadBytes.ToString("N0", CultureInfo.InvariantCulture),-15} {last.BlocksTotal,7} {Seconds(downloading, verifying),11:0.00} {Seconds(rolloutAt, swapped),13:0.00} {P(steady, 0.99),14:0.00} {P(swap, 0.99),12:0.00} {steady.Max(),11:0.00} {(swap.Length == 0 ? 0 : swap.Max()),9:0.00} {all.Length,8} {dropped,8}"));
    }

    private static async Task LoadAsync(HttpClient agent, int worker, ConcurrentQueue<(long, double, bool)> samples, CancellationToken stop)
    {
        for (var i = worker; !stop.IsCancellationRequested; i += 2)
        {
            var sample = HeldOut.Digits[i % HeldOut.Digits.Count];
            var start = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                using var response = await agent.PostAsJsonAsync("/v1/infer", new TensorPayload { Shape = [1, 1, 8, 8], Data = sample.Pixels }, EdgeJsonContext.Default.TensorPayload, CancellationToken.None);
                ok = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            samples.Enqueue((start, Stopwatch.GetElapsedTime(start).TotalMilliseconds, ok));
        }
    }

    private static double Seconds(long? from, long? to) => from is { } a && to is { } b ? (double)(b - a) / Stopwatch.Frequency : double.NaN;

    private static double P(double[] values, double q)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
