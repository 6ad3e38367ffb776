namespace Edge.Agent.Tests.Support;

using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

/// <summary>The real agent (<see cref="AgentApplication.Create"/>) on a free loopback port, without MQTT.</summary>
internal sealed class TestAgentHost : IAsyncDisposable
{
    private readonly string _stateDirectory;

    private TestAgentHost(WebApplication app, string baseUrl, string stateDirectory)
    {
        App = app;
        _stateDirectory = stateDirectory;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static WebApplication Create(string cloudUrl, IReadOnlyDictionary<string, string?>? settings, out string baseUrl, out string stateDirectory)
    {
        baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        stateDirectory = Directory.CreateTempSubdirectory("edge-agent-test-").FullName;
        var overrides = new Dictionary<string, string?>
        {
            ["Agent:Urls"] = baseUrl,
            ["Agent:StateDirectory"] = stateDirectory,
            ["Mqtt:Enabled"] = "false",
            ["Cloud:BaseUrl"] = cloudUrl,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };

        // A cloud answer is never lost to a slow runner; a test of the deadline sets its own.
        foreach (var (key, value) in PatientCloud.Settings)
        {
            overrides[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return AgentApplication.Create([], overrides);
    }

    public static async Task<TestAgentHost> StartAsync(string cloudUrl, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = Create(cloudUrl, settings, out var baseUrl, out var stateDirectory);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestAgentHost(app, baseUrl, stateDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }
}
