namespace Edge.Cli.Tests;

using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;
using Xunit;

/// <summary>
/// One real cloud for the rollout and device tests, with <see cref="Model"/> published (through the CLI) as
/// <see cref="OldVersion"/> and <see cref="NewVersion"/>. Tests use their own device ids, so their rollouts never collide.
/// </summary>
public sealed class CliCloudFixture : IAsyncLifetime
{
    public const string Model = "digits-edge";
    public const string OldVersion = "1.0.0";
    public const string NewVersion = "2.0.0";

    /// <summary>What the tests' devices run and report: <see cref="Model"/> at <see cref="OldVersion"/>, rolled out to <see cref="NewVersion"/>.</summary>
    public static readonly FakeModel Running = new(Model, OldVersion, NewVersion);

    private RealCloud? _cloud;

    internal RealCloud Cloud => _cloud ?? throw new InvalidOperationException("the fixture is not initialised");

    public string Url => Cloud.Url.ToString();

    public HttpClient Http { get; private set; } = new();

    public async ValueTask InitializeAsync()
    {
        _cloud = await RealCloud.StartAsync(TestContext.Current.CancellationToken);
        Http = TestCredentials.Client(_cloud.Url);
        var (set, reference) = await CliRunner.RunAsync(
            "models", "reference", "set", Model, "--data", RepoPaths.Data("digits-heldout.json"), "--floor", "0.9", "--cloud", Url);
        Assert.True(set == 0, reference);
        foreach (var version in new[] { OldVersion, NewVersion })
        {
            var (code, output) = await CliRunner.RunAsync(
                "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", Model, "--version", version,
                "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--cloud", Url);
            Assert.True(code == 0, output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }
    }

    /// <summary>The id of the one rollout targeting <paramref name="device"/>, as the cloud lists it.</summary>
    public async Task<string> RolloutIdForAsync(string device, CancellationToken cancellationToken)
    {
        var json = await Http.GetStringAsync("/v1/rollouts", cancellationToken);
        var rollouts = System.Text.Json.JsonSerializer.Deserialize(json, EdgeJsonContext.Default.RolloutArray)!;
        return Assert.Single(rollouts, r => r.Target == device).Id;
    }

    public async Task<Rollout> RolloutAsync(string id, CancellationToken cancellationToken) =>
        System.Text.Json.JsonSerializer.Deserialize(await Http.GetStringAsync($"/v1/rollouts/{id}", cancellationToken), EdgeJsonContext.Default.Rollout)!;
}
