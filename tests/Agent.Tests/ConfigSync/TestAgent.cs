namespace Edge.Agent.Tests.ConfigSync;

using System.Globalization;
using Edge.Agent.ConfigSync;
using Edge.Agent.Mqtt;
using Edge.Agent.Routing;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The real agent host (<see cref="AgentApplication.Create"/>) pointed at a test broker, with its own state
/// folder and fast reconnects. Only configuration differs from production.
/// </summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private TestAgent(WebApplication app) => App = app;

    public WebApplication App { get; }

    public LiveConfig Live => App.Services.GetRequiredService<LiveConfig>();

    public ConfigSyncEvents Events => App.Services.GetRequiredService<ConfigSyncEvents>();

    public AgentMqttConnection Mqtt => App.Services.GetRequiredService<AgentMqttConnection>();

    public static async Task<TestAgent> StartAsync(int brokerPort, string deviceId, string group, string stateDirectory, CancellationToken cancellationToken)
    {
        var app = AgentApplication.Create([], new Dictionary<string, string?>
        {
            ["Agent:DeviceId"] = deviceId,
            ["Agent:Group"] = group,
            ["Agent:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Agent:StateDirectory"] = stateDirectory,
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinDelay"] = "00:00:00.050",
            ["Mqtt:ReconnectMaxDelay"] = "00:00:00.500",

            // Pinned so the expected merges do not depend on the shipped defaults.
            ["Routing:DefaultThreshold"] = "0.8",
            ["Routing:DefaultAuditSampleRate"] = "0",
            ["Routing:DefaultScoreFunction"] = "MaxProbability",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Edge.Agent.ConfigSync"] = "Debug",
            ["Serilog:MinimumLevel:Override:Edge.Agent.Mqtt"] = "Information",
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestAgent(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
