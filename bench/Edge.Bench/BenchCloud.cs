namespace Edge.Bench;

using System.Globalization;
using Edge.Cloud;
using Edge.Cloud.Telemetry;
using Edge.Shared.Telemetry;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>A real cloud (API, SQLite, embedded broker) in a temp folder, its controller run only when the bench says.</summary>
internal sealed class BenchCloud : IAsyncDisposable
{
    private readonly string _folder;

    private BenchCloud(WebApplication app, string folder, int httpPort, int mqttPort)
    {
        App = app;
        _folder = folder;
        MqttPort = mqttPort;
        Http = TestCredentials.Client(new Uri($"http://127.0.0.1:{httpPort}"));
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public int MqttPort { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<BenchCloud> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("edge-bench-cloud-").FullName;
        var (httpPort, mqttPort) = (FreePort.Next(), FreePort.Next());
        var app = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud())
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "cloud.db")}",
            ["Mqtt:Embedded"] = "true",
            ["Mqtt:EmbeddedPort"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Models:StorePath"] = Path.Combine(folder, "models"),
            ["Rollouts:SigningKeyPath"] = Path.Combine(folder, "keys", "signing.key"),
            ["Rollouts:PackagePath"] = Path.Combine(folder, "packages"),
            ["LoadController:RunInBackground"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Error",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Error",
            ["Serilog:MinimumLevel:Override:Edge"] = "Error",
        });
        await app.StartAsync();
        return new BenchCloud(app, folder, httpPort, mqttPort);
    }

    /// <summary>Runs <paramref name="publish"/> and waits until the cloud stored <paramref name="windows"/> more windows.</summary>
    public async Task<T> StoredAsync<T>(int windows, Func<Task<T>> publish)
    {
        var aggregator = Service<TelemetryAggregator>();
        var expected = aggregator.Count + windows;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(TelemetryWindow w)
        {
            if (aggregator.Count >= expected)
            {
                done.TrySetResult();
            }
        }

        aggregator.Added += OnAdded;
        try
        {
            var result = await publish();
            if (aggregator.Count < expected)
            {
                await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }

            return result;
        }
        finally
        {
            aggregator.Added -= OnAdded;
        }
    }

    public async Task PutAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PutAsync(path, content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
