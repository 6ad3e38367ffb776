namespace Edge.Integration.Tests.Updates;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Cloud;
using Edge.Shared.Inference;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.Updates;
using Microsoft.AspNetCore.Builder;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// The agent as a real process, killed with SIGKILL at each step of installing v2 (mid-download, verifying, self-test,
/// swapped in and inside its health window). Restarted on the same state directory it must answer at once with a verified model, then finish the
/// update on its own.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OtaKillTests : IAsyncLifetime
{
    private const string Device = "ota-kill";
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-ota-kill-").FullName;
    private readonly IMqttClient _observer = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<ModelStatus> _statuses = Channel.CreateUnbounded<ModelStatus>();
    private WebApplication? _cloud;
    private HttpClient? _cloudHttp;
    private string _publicKey = "";
    private int _brokerPort;

    [Theory]
    [InlineData(UpdateState.Downloading)]
    [InlineData(UpdateState.Verifying)]
    [InlineData(UpdateState.SelfTest)]
    [InlineData(UpdateState.HealthCheck)]
    public async Task A_SIGKILL_while_installing_leaves_an_agent_that_restarts_on_a_verified_model_and_finishes(UpdateState killAt)
    {
        var ct = TestContext.Current.CancellationToken;
        var state = Path.Combine(_dir, "agent-state");
        using (var agent = await AgentProcess.StartAsync(state, Environment(), ct))
        {
            Assert.Equal(OtaStack.V1, await RunningVersionAsync(agent, ct));
            await Registry.RolloutToDeviceAsync(_cloudHttp!, OtaStack.Model, OtaStack.V2, Device, ct);
            await WaitForAsync(s => s.State == killAt && (killAt != UpdateState.Downloading || s.BlocksReceived * 2 >= s.BlocksTotal), ct);
            agent.Kill();
        }

        using (var restarted = await AgentProcess.StartAsync(state, Environment(), ct))
        {
            // Serving at once, from a model it verified: the factory v1, or v2 if the kill came after the swap.
            var version = await RunningVersionAsync(restarted, ct);
            Assert.Contains(version, new[] { OtaStack.V1, OtaStack.V2 });
            var answer = await restarted.InferAsync(new TensorPayload { Shape = [1, 1, 8, 8], Data = HeldOut.Digits[0].Pixels }, ct);
            Assert.Equal(version, answer.ModelVersion);

            await WaitForAsync(s => s.State == UpdateState.Applied && s.RunningVersion == OtaStack.V2, ct);
            Assert.Equal(OtaStack.V2, await RunningVersionAsync(restarted, ct));
        }

        Assert.Empty(Directory.EnumerateFiles(state, "*.tmp", SearchOption.AllDirectories));
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var keyPath = Path.Combine(_dir, "signing.key");
        using (var key = SigningKey.LoadOrCreate(keyPath))
        {
            _publicKey = key.PublicKey;
        }

        _brokerPort = FreePort.Next();
        _cloud = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud(Device))
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(_dir, "cloud.db")}",
            ["Mqtt:Embedded"] = "true",
            ["Mqtt:EmbeddedPort"] = _brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Port"] = _brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Models:StorePath"] = Path.Combine(_dir, "models"),
            ["Rollouts:SigningKeyPath"] = keyPath,
            ["Rollouts:PackagePath"] = Path.Combine(_dir, "packages"),
            ["Rollouts:BlockSizeBytes"] = "16384",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await _cloud.StartAsync(ct);
        _cloudHttp = TestCredentials.Client(new Uri(_cloud.Urls.First()), timeout: TimeSpan.FromSeconds(60));
        await Registry.SetReferenceAsync(_cloudHttp, OtaStack.Model, "data/digits-heldout.json", OtaStack.Floor, ct);
        await Registry.PublishAsync(_cloudHttp, OtaStack.Model, OtaStack.V1, "camera-mnv2-v1", ct);
        await Registry.PublishAsync(_cloudHttp, OtaStack.Model, OtaStack.V2, "camera-mnv2-v2", ct);

        _observer.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Payload.Length > 0)
            {
                var status = JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), EdgeJsonContext.Default.ModelStatus);
                _statuses.Writer.TryWrite(status!);
            }

            return Task.CompletedTask;
        };
        await _observer.ConnectAsync(new MqttClientOptionsBuilder().WithClientId("ota-kill-observer").WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword).WithTcpServer("127.0.0.1", _brokerPort).Build(), ct);
        await _observer.SubscribeAsync(Topics.ModelStatus(Device), MqttQualityOfServiceLevel.AtLeastOnce, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _observer.DisconnectAsync();
        _observer.Dispose();
        _cloudHttp?.Dispose();
        if (_cloud is not null)
        {
            await _cloud.StopAsync();
            await _cloud.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["Agent__DeviceId"] = Device,
        ["Mqtt__Username"] = Device,
        ["Mqtt__Password"] = TestCredentials.DeviceSecret(Device),
        ["Cloud__DeviceToken"] = TestCredentials.DeviceSecret(Device),
        ["Cloud__BaseUrl"] = _cloud!.Urls.First(),
        ["Mqtt__Host"] = "127.0.0.1",
        ["Mqtt__Port"] = _brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Inference__Manifest"] = RepoPaths.Model("camera-mnv2-v1.manifest.json"),
        ["Updates__TrustedKeys__0"] = _publicKey,
        ["Updates__HealthWindow"] = "00:00:00.200",
    };

    private async Task<ModelStatus> WaitForAsync(Func<ModelStatus, bool> predicate, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        while (true)
        {
            var status = await _statuses.Reader.ReadAsync(limit.Token);
            if (predicate(status))
            {
                return status;
            }
        }
    }

    private static async Task<string> RunningVersionAsync(AgentProcess agent, CancellationToken ct)
    {
        using var health = JsonDocument.Parse(await agent.Http.GetStringAsync("/healthz", ct));
        return health.RootElement.GetProperty("version").GetString()!;
    }
}
