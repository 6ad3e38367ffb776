namespace Edge.Cloud.Tests.Support;

using System.Globalization;
using Edge.Cloud.Mqtt;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The real cloud (<see cref="CloudApplication.Create"/>) on Kestrel at a free loopback port, with its database
/// in <c>dataDirectory</c> (pass the same folder again to restart on the same data) and its embedded broker on
/// another free port.
/// </summary>
internal sealed class CloudHost : IAsyncDisposable
{
    private CloudHost(WebApplication app, int httpPort, int mqttPort)
    {
        App = app;
        MqttPort = mqttPort;
        Http = TestCredentials.Client(new Uri($"http://127.0.0.1:{httpPort}"));
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public HttpClient Http { get; }

    /// <summary>The embedded broker's port (meaningless when <c>Mqtt:Embedded</c> is false).</summary>
    public int MqttPort { get; }

    public static async Task<CloudHost> StartAsync(
        string dataDirectory,
        IReadOnlyDictionary<string, string?>? overrides = null,
        bool waitForMqtt = true,
        bool provisionTokens = true)
    {
        var httpPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        var settings = new Dictionary<string, string?>(TestCredentials.Cloud().Where(s => provisionTokens || !s.Key.StartsWith("Auth:", StringComparison.Ordinal)))
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "cloud.db")}",
            ["Mqtt:EmbeddedPort"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = "edge-cloud-test-" + Guid.NewGuid().ToString("N")[..8],
            ["Mqtt:ReconnectMinDelayMs"] = "100",
            ["Mqtt:ReconnectMaxDelayMs"] = "1000",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = CloudApplication.Create([], settings);
        try
        {
            using var deadline = Deadline.Within(TimeSpan.FromSeconds(30));
            await app.StartAsync(deadline.Token);
            if (waitForMqtt)
            {
                await app.Services.GetRequiredService<CloudMqttClient>().WaitConnectedAsync(deadline.Token);
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new CloudHost(app, httpPort, mqttPort);
    }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await App.StopAsync(deadline.Token);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
