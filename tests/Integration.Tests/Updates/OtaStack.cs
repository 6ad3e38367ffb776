namespace Edge.Integration.Tests.Updates;

using System.Net.Http.Json;
using Edge.Agent.Serving;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Edge.Updates;

/// <summary>
/// An <see cref="EdgeStack"/> whose cloud signs packages with a key the agent trusts, and whose agent starts on the
/// camera-scale model v1 (2.8 MB): the registry holds v1 and v2 of <see cref="Model"/>, so v2 ships as a real delta.
/// </summary>
internal sealed class OtaStack : IAsyncDisposable
{
    public const string Model = "camera-mnv2";
    public const string V1 = "1.0.0";
    public const string V2 = "2.0.0";

    /// <summary>Top-1 both camera models must reach on the held-out digits (they score about 98 %).</summary>
    public const double Floor = 0.9;

    private readonly string _dir;

    private OtaStack(EdgeStack stack, string dir)
    {
        Stack = stack;
        _dir = dir;
    }

    public EdgeStack Stack { get; }

    public static async Task<OtaStack> StartAsync(MosquittoBroker? mosquitto, int blockSize, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("edge-ota-").FullName;
        var keyPath = Path.Combine(dir, "signing.key");
        using var key = SigningKey.LoadOrCreate(keyPath);
        var stack = await EdgeStack.StartAsync(
            mosquitto,
            new Dictionary<string, string?>
            {
                ["Models:StorePath"] = Path.Combine(dir, "models"),
                ["Rollouts:SigningKeyPath"] = keyPath,
                ["Rollouts:PackagePath"] = Path.Combine(dir, "packages"),
                ["Rollouts:BlockSizeBytes"] = blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            new Dictionary<string, string?>
            {
                ["Inference:Manifest"] = RepoPaths.Model("camera-mnv2-v1.manifest.json"),
                ["Updates:TrustedKeys:0"] = key.PublicKey,
                ["Updates:HealthWindow"] = "00:00:01",
            },
            ct);
        var ota = new OtaStack(stack, dir);
        await Registry.SetReferenceAsync(stack.CloudHttp, Model, "data/digits-heldout.json", OtaStack.Floor, ct);
        await Registry.PublishAsync(stack.CloudHttp, Model, V1, "camera-mnv2-v1", ct);
        await Registry.PublishAsync(stack.CloudHttp, Model, V2, "camera-mnv2-v2", ct);
        return ota;
    }

    public IModelInfo Running => Stack.AgentService<IModelInfo>();

    public Task<Rollout> RolloutAsync(string version, CancellationToken ct) =>
        Registry.RolloutToDeviceAsync(Stack.CloudHttp, Model, version, EdgeStack.DeviceId, ct);

    public async Task<Rollout> GetRolloutAsync(string id, CancellationToken ct) =>
        (await Stack.CloudHttp.GetFromJsonAsync($"/v1/rollouts/{id}", EdgeJsonContext.Default.Rollout, ct))!;

    /// <summary>Polls the cloud's view until the rollout leaves its active states.</summary>
    public async Task<Rollout> WaitFinishedAsync(string id, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (true)
        {
            var rollout = await GetRolloutAsync(id, limit.Token);
            if (rollout.State is RolloutState.Completed or RolloutState.Halted or RolloutState.Aborted)
            {
                return rollout;
            }

            await Task.Delay(50, limit.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stack.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }
    }
}
