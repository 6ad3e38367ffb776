namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using Edge.Agent.Routing;
using Edge.Cloud.Devices;
using Edge.Demo;
using Edge.Shared.Config;
using Edge.TestSupport.Mosquitto;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Time from an operator's threshold PUT on the Cloud API to (a) the agent applying it and (b) the cloud
/// receiving the agent's reported state, through the embedded broker or a real Mosquitto.
/// </summary>
internal static class PropagationBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var changes = AnswerPathBench.ArgInt(args, "--changes", 200);
        var useMosquitto = args.Contains("--mosquitto");
        await using var mosquitto = useMosquitto ? await MosquittoBroker.StartAsync() : null;
        await using var stack = await DemoStack.StartAsync(CancellationToken.None, mosquitto?.Port);
        using var cloudHttp = stack.CreateCloudClient(TimeSpan.FromSeconds(100));
        var api = new OperatorApi(cloudHttp);
        await api.WaitForDeviceAsync(DemoStack.DeviceId, CancellationToken.None);
        var reports = stack.Cloud.Services.GetRequiredService<ReportedConfigStore>();
        var live = stack.AgentConfig;

        var applied = new List<double>(changes);
        var reported = new List<double>(changes);
        for (var i = 0; i < changes + 10; i++)
        {
            var threshold = 0.5 + (i % 40) / 100.0 + 0.001;
            var seenApplied = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var seenReported = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            void OnApplied(RoutingSettings s)
            {
                if (Math.Abs(s.Threshold - threshold) < 1e-12)
                {
                    seenApplied.TrySetResult(clock.Elapsed.TotalMilliseconds);
                }
            }

            void OnReported(ReportedConfig r)
            {
                if (Math.Abs(r.Threshold - threshold) < 1e-12)
                {
                    seenReported.TrySetResult(clock.Elapsed.TotalMilliseconds);
                }
            }

            live.Changed += OnApplied;
            reports.Received += OnReported;
            await api.SetFleetThresholdAsync(threshold, CancellationToken.None);
            var a = await seenApplied.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var r = await seenReported.Task.WaitAsync(TimeSpan.FromSeconds(10));
            live.Changed -= OnApplied;
            reports.Received -= OnReported;
            if (i >= 10)
            {
                applied.Add(a);
                reported.Add(r);
            }
        }

        Console.WriteLine($"broker: {(useMosquitto ? "Mosquitto " + mosquitto!.Port : "embedded MQTTnet")}, {changes} fleet threshold changes (after 10 warm-up)");
        Print("PUT → agent applied", applied);
        Print("PUT → cloud sees reported", reported);
        return 0;
    }

    private static void Print(string name, List<double> ms)
    {
        var sorted = ms.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26} p50 {Percentiles.Of(sorted, 50),7:0.00} ms   p95 {Percentiles.Of(sorted, 95),7:0.00} ms   max {sorted[^1],7:0.00} ms"));
    }
}
