namespace Edge.Agent.Tests.Updater;

using System.Globalization;
using Edge.Agent.Serving;
using Edge.Agent.Tests.Support;
using Edge.Agent.Updater;
using Edge.Shared.Inference;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The real agent (<see cref="AgentApplication.Create"/>) connected to a <see cref="TestCloud"/>, trusting the given
/// keys, with a state folder the test owns (so a second agent can start on what the first left). Answers are always
/// local (threshold 0), so every request exercises the served model.
/// </summary>
internal sealed class UpdateAgent : IAsyncDisposable
{
    private UpdateAgent(WebApplication app, string baseUrl)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public LocalModel Model => App.Services.GetRequiredService<LocalModel>();

    public UpdateStatusReporter Reporter => App.Services.GetRequiredService<UpdateStatusReporter>();

    public static async Task<UpdateAgent> StartAsync(
        TestCloud cloud, string stateDirectory, IEnumerable<string> trustedKeys, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var overrides = new Dictionary<string, string?>
        {
            ["Agent:DeviceId"] = cloud.DeviceId,
            ["Agent:Urls"] = baseUrl,
            ["Agent:StateDirectory"] = stateDirectory,
            ["Mqtt:Port"] = cloud.Port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinDelay"] = "00:00:00.050",
            ["Mqtt:ReconnectMaxDelay"] = "00:00:00.200",
            ["Cloud:BaseUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Routing:DefaultThreshold"] = "0",
            ["Routing:DefaultAuditSampleRate"] = "0",
            ["Updates:BlockTimeout"] = "00:00:02",
            ["Updates:HealthWindow"] = "00:00:00",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Edge.Agent.Updater"] = "Information",
        };
        var i = 0;
        foreach (var key in trustedKeys)
        {
            overrides[$"Updates:TrustedKeys:{i++}"] = key;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var app = AgentApplication.Create([], overrides);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new UpdateAgent(app, baseUrl);
    }

    /// <summary>One local answer for held-out digit <paramref name="index"/>.</summary>
    public Task<InferenceAnswer> InferAsync(int index = 0) => Http.InferAsync(Requests.HeldOutTensor(index % HeldOut.Digits.Count));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
