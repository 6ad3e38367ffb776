namespace Edge.Demo;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Edge.Agent;
using Edge.Agent.Routing;
using Edge.Cloud;
using Edge.Updates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// A Cloud (embedded broker, SQLite, bundled cloud model) and one Agent, each a real host on its own
/// loopback ports, wired exactly as their Program.cs wires them. Only the configuration differs.
/// </summary>
internal sealed class DemoStack : IAsyncDisposable
{
    public const string DeviceId = "demo-cam-01";
    public const string Group = "line-1";

    private readonly string _dataDir;

    private DemoStack(WebApplication cloud, WebApplication agent, Uri cloudUrl, Uri agentUrl, string dataDir, string adminToken)
    {
        AdminToken = adminToken;
        Cloud = cloud;
        Agent = agent;
        CloudUrl = cloudUrl;
        AgentUrl = agentUrl;
        _dataDir = dataDir;
    }

    public WebApplication Cloud { get; }

    /// <summary>The admin token the cloud made on its first start (as an operator would read it from its file).</summary>
    public string AdminToken { get; }

    public WebApplication Agent { get; }

    public Uri CloudUrl { get; }

    public Uri AgentUrl { get; }

    public bool CloudRunning { get; private set; } = true;

    /// <summary>An operator's client for the cloud, carrying the admin token.</summary>
    public HttpClient CreateCloudClient(TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = CloudUrl, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    public LiveConfig AgentConfig => Agent.Services.GetRequiredService<LiveConfig>();

    /// <param name="externalBrokerPort">A Mosquitto/EMQX on 127.0.0.1 to use instead of the cloud's embedded broker.</param>
    /// <param name="cloudOverrides">Configuration the caller sets on top of the demo's (e.g. <c>Rollouts:BlockSizeBytes</c>).</param>
    /// <param name="agentOverrides">Likewise for the agent (e.g. <c>Inference:Manifest</c>).</param>
    public static async Task<DemoStack> StartAsync(
        CancellationToken cancellationToken,
        int? externalBrokerPort = null,
        IReadOnlyDictionary<string, string?>? cloudOverrides = null,
        IReadOnlyDictionary<string, string?>? agentOverrides = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "edge-demo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var (cloudPort, brokerPort, agentPort) = (FreePort(), externalBrokerPort ?? FreePort(), FreePort());
        var cloudUrl = new Uri($"http://127.0.0.1:{cloudPort}");
        var agentUrl = new Uri($"http://127.0.0.1:{agentPort}");
        var quiet = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Error",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Error",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Error",
            ["Serilog:MinimumLevel:Override:Polly"] = "Fatal",
            ["Serilog:MinimumLevel:Override:System.Net.Http"] = "Error",
            ["Serilog:MinimumLevel:Override:Edge"] = "Error",
        };

        WebApplication? cloud = null, agent = null;
        try
        {
            // The cloud signs model packages with this key and the agent trusts it, as an operator would configure them.
            var keyPath = Path.Combine(dataDir, "keys", "signing.key");
            string publicKey;
            using (var key = SigningKey.LoadOrCreate(keyPath))
            {
                publicKey = key.PublicKey;
            }

            cloud = CloudApplication.Create([], Merge(CloudSettings(quiet, cloudUrl, dataDir, brokerPort, externalBrokerPort is null, keyPath), cloudOverrides));
            await cloud.StartAsync(cancellationToken);

            // As an operator provisions a device: the first admin token from its file, then `edge devices enroll`.
            var adminToken = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"), cancellationToken)).Trim();
            var credentials = await DeviceEnrollment.EnrollAsync(cloudUrl, adminToken, DeviceId, Group, Path.Combine(dataDir, "device.credentials.json"), cancellationToken);
            agent = AgentApplication.Create([], Merge(AgentSettings(quiet, agentUrl, cloudUrl, dataDir, brokerPort, publicKey, credentials), agentOverrides));
            await agent.StartAsync(cancellationToken);
            return new DemoStack(cloud, agent, cloudUrl, agentUrl, dataDir, adminToken);
        }
        catch
        {
            // Whatever started must not outlive a failed start (a port in use, a model that does not load).
            await DisposeAllAsync(agent, agent is not null, cloud, cloud is not null, dataDir);
            throw;
        }
    }

    public async Task StopCloudAsync(CancellationToken cancellationToken)
    {
        await Cloud.StopAsync(cancellationToken);
        CloudRunning = false;
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(Agent, true, Cloud, CloudRunning, _dataDir);

    private static async ValueTask DisposeAllAsync(WebApplication? agent, bool agentRunning, WebApplication? cloud, bool cloudRunning, string dataDir)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await StopAsync(agent, agentRunning, timeout.Token);
        }
        finally
        {
            try
            {
                await StopAsync(cloud, cloudRunning, timeout.Token);
            }
            finally
            {
                DeleteQuietly(dataDir);
            }
        }
    }

    private static async Task StopAsync(WebApplication? app, bool running, CancellationToken cancellationToken)
    {
        if (app is null)
        {
            return;
        }

        try
        {
            if (running)
            {
                await app.StopAsync(cancellationToken);
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static void DeleteQuietly(string dataDir)
    {
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless; never fail the demo on cleanup.
        }
    }

    private static Dictionary<string, string?> CloudSettings(
        Dictionary<string, string?> quiet, Uri cloudUrl, string dataDir, int brokerPort, bool embedded, string keyPath) => new(quiet)
        {
            ["Cloud:Urls"] = cloudUrl.ToString().TrimEnd('/'),
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDir, "cloud.db")}",
            ["Mqtt:Embedded"] = embedded ? "true" : "false",
            ["Mqtt:EmbeddedPort"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Models:StorePath"] = Path.Combine(dataDir, "models"),
            ["Rollouts:SigningKeyPath"] = keyPath,
            ["Rollouts:PackagePath"] = Path.Combine(dataDir, "packages"),
        };

    private static Dictionary<string, string?> AgentSettings(
        Dictionary<string, string?> quiet, Uri agentUrl, Uri cloudUrl, string dataDir, int brokerPort, string publicKey, string credentialsFile) => new(quiet)
        {
            ["Agent:Urls"] = agentUrl.ToString().TrimEnd('/'),
            ["Agent:CredentialsFile"] = credentialsFile,
            ["Agent:StateDirectory"] = Path.Combine(dataDir, "agent-state"),
            ["Cloud:BaseUrl"] = cloudUrl.ToString(),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Updates:TrustedKeys:0"] = publicKey,

            // The demo judges a new model over 2 s of its traffic; a device's default window is 60 s.
            ["Updates:HealthWindow"] = "00:00:02",
        };

    private static Dictionary<string, string?> Merge(Dictionary<string, string?> config, IReadOnlyDictionary<string, string?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        return config;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
