namespace Edge.Agent.Tests.Sources;

using System.Globalization;
using System.Net.Http.Json;
using Edge.Agent.Api;
using Edge.Agent.Hosting.Readiness;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The real agent host with no broker and no cloud (threshold 0: every answer is local), plus device settings.</summary>
internal sealed class DeviceAgent : IAsyncDisposable
{
    private DeviceAgent(WebApplication app, string url, string state)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(url) };
        State = state;
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public string State { get; }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Held-out digit 0 (a "1" both models answer correctly) as a PNG, dark ink on white.</summary>
    public static (byte[] Png, string Label) Digit()
    {
        var sample = HeldOut.Digits[0];
        return (TestImages.DigitPng(sample.Pixels, 4), sample.Label.ToString(CultureInfo.InvariantCulture));
    }

    public static async Task<DeviceAgent> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<DeviceAgent>? beforeStart, CancellationToken cancellationToken)
    {
        var state = Directory.CreateTempSubdirectory("edge-device-").FullName;
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var config = new Dictionary<string, string?>
        {
            ["Agent:Urls"] = url,
            ["Agent:StateDirectory"] = state,
            ["Mqtt:Enabled"] = "false",
            ["Cloud:BaseUrl"] = "http://127.0.0.1:9",
            ["Routing:DefaultThreshold"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        var agent = new DeviceAgent(AgentApplication.Create([], config), url, state);
        beforeStart?.Invoke(agent);
        await agent.App.StartAsync(cancellationToken);
        return agent;
    }

    public async Task<DeviceStatusResponse> DeviceStatusAsync(CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync("/v1/status/device", DeviceStatusJsonContext.Default.DeviceStatusResponse, cancellationToken))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
        Directory.Delete(State, recursive: true);
    }
}
