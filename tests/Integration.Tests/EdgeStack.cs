namespace Edge.Integration.Tests;

using System.Globalization;
using System.Net.Http.Json;
using Edge.Agent;
using Edge.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// A real Cloud and a real Agent on loopback, built by the same factories as their Program.cs. The broker is
/// the Cloud's embedded MQTTnet server, or a real Mosquitto when one is given.
/// </summary>
internal sealed class EdgeStack : IAsyncDisposable
{
    public const string DeviceId = "it-dev-1";
    public const string Group = "it-group";

    private readonly string _dir;

    private EdgeStack(WebApplication cloud, WebApplication agent, string dir)
    {
        Cloud = cloud;
        Agent = agent;
        _dir = dir;
        // Generous: creating a rollout builds its packages (a delta of the camera model), slow on a loaded 2-core runner;
        // tests bound their waits with their own deadlines.
        CloudHttp = TestCredentials.Client(new Uri(cloud.Urls.First()), timeout: TimeSpan.FromSeconds(120));
        AgentHttp = new HttpClient { BaseAddress = new Uri(agent.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication Cloud { get; }

    public WebApplication Agent { get; }

    public HttpClient CloudHttp { get; }

    public HttpClient AgentHttp { get; }

    public bool CloudStopped { get; private set; }

    public static async Task<EdgeStack> StartAsync(
        MosquittoBroker? mosquitto,
        IReadOnlyDictionary<string, string?>? cloudOverrides = null,
        IReadOnlyDictionary<string, string?>? agentOverrides = null,
        CancellationToken cancellationToken = default)
    {
        var dir = Directory.CreateTempSubdirectory("edge-it-").FullName;
        var brokerPort = mosquitto?.Port ?? FreePort.Next();
        var cloudConfig = new Dictionary<string, string?>(TestCredentials.Cloud(DeviceId))
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dir, "cloud.db")}",
            ["Mqtt:Embedded"] = mosquitto is null ? "true" : "false",
            ["Mqtt:EmbeddedPort"] = Str(brokerPort),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = Str(brokerPort),
            ["Mqtt:ClientId"] = "cloud-" + Guid.NewGuid().ToString("N")[..8],
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        Merge(cloudConfig, cloudOverrides);
        var cloud = CloudApplication.Create([], cloudConfig);
        await cloud.StartAsync(cancellationToken);

        var agentConfig = new Dictionary<string, string?>(TestCredentials.Agent(DeviceId))
        {
            ["Agent:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Agent:DeviceId"] = DeviceId,
            ["Agent:Group"] = Group,
            ["Agent:StateDirectory"] = Path.Combine(dir, "agent-state"),
            ["Cloud:BaseUrl"] = cloud.Urls.First(),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = Str(brokerPort),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };

        // Tests that need the cloud's answer get it on a loaded runner; those of outages and deadlines set their own.
        Merge(agentConfig, PatientCloud.Settings);
        Merge(agentConfig, agentOverrides);
        var agent = AgentApplication.Create([], agentConfig);
        await agent.StartAsync(cancellationToken);
        return new EdgeStack(cloud, agent, dir);
    }

    public T CloudService<T>() where T : notnull => Cloud.Services.GetRequiredService<T>();

    public T AgentService<T>() where T : notnull => Agent.Services.GetRequiredService<T>();

    /// <summary>Sets a threshold through the operator API and returns the version the cloud assigned.</summary>
    public async Task<ScopeSetting> PutThresholdAsync(string path, ThresholdUpdate update, CancellationToken ct)
    {
        using var response = await CloudHttp.PutAsJsonAsync(path, update, EdgeJsonContext.Default.ThresholdUpdate, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} → {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, EdgeJsonContext.Default.ScopeSetting)!;
    }

    public async Task<InferenceAnswer> InferAsync(float[] pixels, CancellationToken ct)
    {
        var payload = new TensorPayload { Shape = [1, 1, 8, 8], Data = pixels };
        using var response = await AgentHttp.PostAsJsonAsync("/v1/infer", payload, EdgeJsonContext.Default.TensorPayload, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"agent /v1/infer → {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, EdgeJsonContext.Default.InferenceAnswer)!;
    }

    public async Task StopCloudAsync(CancellationToken ct)
    {
        await Cloud.StopAsync(ct);
        CloudStopped = true;
    }

    public async ValueTask DisposeAsync()
    {
        AgentHttp.Dispose();
        CloudHttp.Dispose();
        await Agent.StopAsync(CancellationToken.None);
        await Agent.DisposeAsync();
        if (!CloudStopped)
        {
            await Cloud.StopAsync(CancellationToken.None);
        }

        await Cloud.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a WAL file for a moment; a leftover temp folder is harmless.
        }
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
