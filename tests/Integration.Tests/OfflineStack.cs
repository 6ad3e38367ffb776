namespace Edge.Integration.Tests;

using System.Globalization;
using System.Net.Http.Json;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.TestSupport.Faults;

/// <summary>
/// An <see cref="EdgeStack"/> whose agent reaches the cloud's HTTP API and the broker only through fault proxies,
/// with short deadlines, breaker and retry delays so outages and recoveries play out quickly.
/// </summary>
internal sealed class OfflineStack : IAsyncDisposable
{
    private OfflineStack(EdgeStack stack, TcpFaultProxy http, TcpFaultProxy mqtt)
    {
        Stack = stack;
        Http = http;
        Mqtt = mqtt;
    }

    public EdgeStack Stack { get; }

    /// <summary>Agent → cloud HTTP (inference and outbox uploads).</summary>
    public TcpFaultProxy Http { get; }

    /// <summary>Agent → broker MQTT.</summary>
    public TcpFaultProxy Mqtt { get; }

    public static async Task<OfflineStack> StartAsync(
        IReadOnlyDictionary<string, string?>? cloudOverrides = null,
        IReadOnlyDictionary<string, string?>? agentOverrides = null,
        CancellationToken cancellationToken = default)
    {
        var cloudPort = FreePort.Next();
        var brokerPort = FreePort.Next();
        var http = new TcpFaultProxy(cloudPort);
        var mqtt = new TcpFaultProxy(brokerPort);
        var cloud = new Dictionary<string, string?>
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{Str(cloudPort)}",
            ["Mqtt:EmbeddedPort"] = Str(brokerPort),
            ["Mqtt:Port"] = Str(brokerPort),
        };
        var agent = new Dictionary<string, string?>
        {
            ["Cloud:BaseUrl"] = $"http://127.0.0.1:{Str(http.Port)}",
            ["Mqtt:Port"] = Str(mqtt.Port),
            ["Mqtt:ReconnectMinDelay"] = "00:00:00.050",
            ["Mqtt:ReconnectMaxDelay"] = "00:00:00.500",
            ["Cloud:Deadline"] = "00:00:00.500",
            ["Cloud:AttemptTimeout"] = "00:00:00.200",
            ["Cloud:BreakerBreakDuration"] = "00:00:00.500",
            ["Outbox:RetryMinDelay"] = "00:00:00.050",
            ["Outbox:RetryMaxDelay"] = "00:00:00.300",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:UploadTimeout"] = "00:00:02",
        };
        Merge(cloud, cloudOverrides);
        Merge(agent, agentOverrides);
        try
        {
            return new OfflineStack(await EdgeStack.StartAsync(null, cloud, agent, cancellationToken), http, mqtt);
        }
        catch
        {
            await http.DisposeAsync();
            await mqtt.DisposeAsync();
            throw;
        }
    }

    /// <summary>The hard examples the cloud stored for the test device.</summary>
    public async Task<StoredHardExample[]> StoredAsync(CancellationToken ct) =>
        await Stack.CloudHttp.GetFromJsonAsync(
            $"/v1/hard-examples?device={EdgeStack.DeviceId}&limit=1000", EdgeJsonContext.Default.StoredHardExampleArray, ct) ?? [];

    /// <summary>Waits (polling, 60 s at most) until the cloud stored <paramref name="expected"/> hard examples and the outbox is empty.</summary>
    public async Task<StoredHardExample[]> DeliveredAsync(int expected, CancellationToken ct)
    {
        var metrics = Stack.AgentService<Edge.Agent.Observability.AgentMetrics>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var stored = await StoredAsync(ct);
            if (stored.Length >= expected && metrics.OutboxEntries.Value == 0)
            {
                return stored;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out: {stored.Length} of {expected} hard examples in the cloud, {metrics.OutboxEntries.Value} in the outbox");
            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stack.DisposeAsync();
        await Http.DisposeAsync();
        await Mqtt.DisposeAsync();
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?>? source)
    {
        foreach (var (key, value) in source ?? new Dictionary<string, string?>())
        {
            target[key] = value;
        }
    }
}
