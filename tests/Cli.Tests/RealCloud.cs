namespace Edge.Cli.Tests;

using System.Globalization;
using Edge.Cloud;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;

/// <summary>The real cloud on Kestrel at a free loopback port, its database and model store in a temp folder.</summary>
internal sealed class RealCloud : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private RealCloud(WebApplication app, string folder, Uri url, int mqttPort)
    {
        _app = app;
        _folder = folder;
        Url = url;
        MqttPort = mqttPort;
    }

    public Uri Url { get; }

    /// <summary>The embedded broker, where <see cref="FakeDevice"/> reports.</summary>
    public int MqttPort { get; }

    public static async Task<RealCloud> StartAsync(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("edge-cli-test-").FullName;
        var port = FreePort.Next();
        var mqttPort = FreePort.Next();
        var app = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud())
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{port}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "cloud.db")}",
            ["Models:StorePath"] = Path.Combine(folder, "models"),
            ["Mqtt:EmbeddedPort"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Rollouts:SigningKeyPath"] = Path.Combine(folder, "keys", "signing.key"),
            ["Rollouts:PackagePath"] = Path.Combine(folder, "packages"),
            ["Rollouts:CompressionLevel"] = "3",
            ["Mqtt:ClientId"] = "edge-cli-test-" + Guid.NewGuid().ToString("N")[..8],
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await app.StartAsync(cancellationToken);
        return new RealCloud(app, folder, new Uri($"http://127.0.0.1:{port}"), mqttPort);
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
