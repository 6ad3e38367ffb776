namespace Edge.Agent.Tests.Support;

using System.Globalization;
using System.Net.Http.Json;
using Edge.Agent.Api;
using Edge.Agent.CloudClient;
using Edge.Agent.ConfigSync;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Agent.Updater;
using Edge.Shared.Inference;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

/// <summary>
/// What a test changes about its agent. A test agent listens on a free loopback port, keeps its state in a fresh temp
/// folder, runs without MQTT, falls back to a cloud nobody answers (patiently: <see cref="PatientCloud"/>) and logs only
/// warnings; everything else is the agent's own default. <see cref="Settings"/> are applied last, so they override all of it.
/// </summary>
internal sealed record TestAgentOptions
{
    /// <summary>The cloud's base URL; by default a loopback port nobody listens on, so every cloud call fails at once.</summary>
    public string? CloudUrl { get; init; }

    /// <summary>A broker on loopback to connect to, with reconnects every 50 ms to 200 ms; without one, MQTT is off.</summary>
    public int? BrokerPort { get; init; }

    public string? DeviceId { get; init; }

    public string? Group { get; init; }

    /// <summary>
    /// A state folder the test owns and keeps after the agent stops (so a second agent can start on what the first
    /// left); by default a temp folder that goes with the agent.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>The routing threshold (<c>Routing:DefaultThreshold</c>); 0 answers every request locally.</summary>
    public double? Threshold { get; init; }

    /// <summary>The package signing keys the updater trusts (<c>Updates:TrustedKeys</c>).</summary>
    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    /// <summary>Any other configuration, key → value.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>Runs on the built agent just before it starts (to prepare its state folder or its simulated hardware).</summary>
    public Action<TestAgentHost>? BeforeStart { get; init; }

    /// <summary>The configuration overrides these options stand for, with the agent's URL and state folder.</summary>
    internal Dictionary<string, string?> Overrides(string url, string stateDirectory)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Agent:Urls"] = url,
            ["Agent:StateDirectory"] = stateDirectory,
            ["Cloud:BaseUrl"] = CloudUrl ?? $"http://127.0.0.1:{FreePort.Next()}",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };

        // A cloud answer is never lost to a slow runner; a test of the deadline sets its own.
        foreach (var (key, value) in PatientCloud.Settings)
        {
            overrides[key] = value;
        }

        if (BrokerPort is { } port)
        {
            overrides["Mqtt:Host"] = "127.0.0.1";
            overrides["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture);
            overrides["Mqtt:ReconnectMinDelay"] = "00:00:00.050";
            overrides["Mqtt:ReconnectMaxDelay"] = "00:00:00.200";
        }
        else
        {
            overrides["Mqtt:Enabled"] = "false";
        }

        Set("Agent:DeviceId", DeviceId);
        Set("Agent:Group", Group);
        Set("Routing:DefaultThreshold", Threshold?.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < TrustedKeys.Count; i++)
        {
            overrides[$"Updates:TrustedKeys:{i}"] = TrustedKeys[i];
        }

        foreach (var (key, value) in Settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return overrides;

        void Set(string key, string? value)
        {
            if (value is not null)
            {
                overrides[key] = value;
            }
        }
    }
}

/// <summary>
/// The agent a test runs: the real one (<see cref="AgentApplication.Create"/>, as <c>Program.cs</c> builds it) with
/// <see cref="TestAgentOptions"/> as its configuration, or, for a test of one feature's pipeline, only that feature's
/// own registration on a plain host (<see cref="CloudClientOnly"/>). One host for every agent test.
/// </summary>
internal sealed class TestAgentHost : IAsyncDisposable
{
    private readonly bool _ownsState;
    private bool _started;

    private TestAgentHost(WebApplication app, string url, string state, bool ownsState)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(url) };
        State = state;
        _ownsState = ownsState;
    }

    public WebApplication App { get; }

    /// <summary>A client for the agent's own HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The agent's state folder.</summary>
    public string State { get; }

    public LiveConfig Live => Service<LiveConfig>();

    public ConfigSyncEvents Events => Service<ConfigSyncEvents>();

    public AgentMqttConnection Mqtt => Service<AgentMqttConnection>();

    public LocalModel Model => Service<LocalModel>();

    public UpdateStatusReporter Reporter => Service<UpdateStatusReporter>();

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The real agent on <paramref name="cloudUrl"/> with <paramref name="settings"/>, started.</summary>
    public static Task<TestAgentHost> StartAsync(string cloudUrl, IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(new TestAgentOptions { CloudUrl = cloudUrl, Settings = settings }, TestContext.Current.CancellationToken);

    /// <summary>The real agent, started; disposed again if it fails to start.</summary>
    public static async Task<TestAgentHost> StartAsync(TestAgentOptions options, CancellationToken cancellationToken)
    {
        var agent = Create(options);
        try
        {
            await agent.StartAsync(cancellationToken);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    }

    /// <summary>The real agent, built but not started (for a test of what start-up does).</summary>
    public static TestAgentHost Create(TestAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var state = options.StateDirectory ?? Directory.CreateTempSubdirectory("edge-agent-test-").FullName;
        var agent = new TestAgentHost(AgentApplication.Create([], options.Overrides(url, state)), url, state, ownsState: options.StateDirectory is null);
        options.BeforeStart?.Invoke(agent);
        return agent;
    }

    /// <summary>
    /// Only the agent's cloud client, registered as the agent registers it (<c>AddCloudClient</c>), on a plain host
    /// running on <paramref name="time"/> with no retry delay and a <see cref="PatientCloud"/>, every log record of every level in <paramref name="logs"/>.
    /// Built, not started.
    /// </summary>
    public static IHost CloudClientOnly(string baseUrl, TimeProvider time, IReadOnlyDictionary<string, string?>? settings = null, FakeLogCollector? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cloud:BaseUrl"] = baseUrl,
            ["Cloud:RetryBaseDelay"] = "00:00:00",
        });

        // On the system clock a slow runner must not time out an answer the test asserts; a test can set its own.
        builder.Configuration.AddInMemoryCollection(PatientCloud.Settings);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (logs is not null)
        {
            builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddOptions<AgentOptions>();
        builder.AddCloudClient();
        return builder.Build();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await App.StartAsync(cancellationToken);
        _started = true;
    }

    /// <summary>One answer for held-out digit <paramref name="index"/> through the agent's <c>/v1/infer</c>.</summary>
    public Task<InferenceAnswer> InferAsync(int index = 0) => Http.InferAsync(Requests.HeldOutTensor(index % HeldOut.Digits.Count));

    public async Task<DeviceStatusResponse> DeviceStatusAsync(CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync("/v1/status/device", DeviceStatusJsonContext.Default.DeviceStatusResponse, cancellationToken))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_started)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await App.StopAsync(timeout.Token);
        }

        await App.DisposeAsync();
        if (_ownsState && Directory.Exists(State))
        {
            Directory.Delete(State, recursive: true);
        }
    }
}
