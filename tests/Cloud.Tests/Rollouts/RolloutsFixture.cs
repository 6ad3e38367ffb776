namespace Edge.Cloud.Tests.Rollouts;

using System.Globalization;
using System.Net;
using System.Text;
using Edge.Cloud.Devices;
using Edge.Cloud.Rollouts;
using Edge.Cloud.Tests.Models;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;
using Xunit;

/// <summary>
/// One cloud for the rollout tests, with <see cref="Model"/> published as <see cref="OldVersion"/> and <see cref="NewVersion"/>
/// (digits-cloud, 570 KB: many blocks). Tests use their own groups and device ids, so their rollouts never collide.
/// </summary>
public sealed class RolloutsFixture : IAsyncLifetime
{
    public const string Model = "digits-ota";
    public const string OldVersion = "1.0.0";
    public const string NewVersion = "2.0.0";
    public const int BlockSize = 16 * 1024;

    /// <summary>What the fixture's devices run and report: <see cref="Model"/> at <see cref="OldVersion"/>, rolled out to <see cref="NewVersion"/>.</summary>
    public static readonly FakeModel Running = new(Model, OldVersion, NewVersion);

    private readonly TempFolder _folder = new();
    private CloudHost? _host;

    internal CloudHost Host => _host ?? throw new InvalidOperationException("the fixture is not initialised");

    public async ValueTask InitializeAsync()
    {
        _host = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Models:StorePath"] = Path.Combine(_folder.Path, "models"),
            ["Rollouts:SigningKeyPath"] = Path.Combine(_folder.Path, "keys", "signing.key"),
            ["Rollouts:PackagePath"] = Path.Combine(_folder.Path, "packages"),
            ["Rollouts:BlockSizeBytes"] = BlockSize.ToString(CultureInfo.InvariantCulture),
            ["Rollouts:CompressionLevel"] = "3",
        });
        await ModelsCloudFixture.SetReferenceAsync(_host.Http, Model, RepoPaths.Data("digits-heldout.json"), ModelsCloudFixture.DigitsFloor);
        var model = await File.ReadAllBytesAsync(RepoPaths.Model("digits-cloud.onnx"));
        foreach (var version in new[] { OldVersion, NewVersion })
        {
            using var response = await _host.Http.PostAsync($"/v1/models/{Model}/{version}", ModelsCloudFixture.Form(model, "digits-cloud.manifest.json"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Dispose();
    }

    internal RolloutService Rollouts => Host.Service<RolloutService>();

    /// <summary>Connects a device and, with a group, has it report so the cloud knows it.</summary>
    internal async Task<FakeDevice> DeviceAsync(string id, string? group, CancellationToken cancellationToken)
    {
        var device = await FakeDevice.ConnectAsync(Host.MqttPort, id, cancellationToken, Running);
        if (group is not null)
        {
            var seen = Host.Service<ReportedConfigStore>().WaitForAsync(id, r => r.Group == group, cancellationToken);
            await device.ReportAsync(group, cancellationToken);
            await seen;
        }

        return device;
    }

    internal Task<HttpResponseMessage> PostAsync(string path, string json, CancellationToken cancellationToken) =>
        Host.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    internal async Task<Rollout> CreateAsync(string json, CancellationToken cancellationToken)
    {
        using var response = await PostAsync("/v1/rollouts", json, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync(EdgeJsonContext.Default.Rollout, cancellationToken);
    }

    internal static string GroupRollout(string group, double canaryPercent, double maxFailureShare = 0.5) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"model":"{{Model}}","version":"{{NewVersion}}","scope":"Group","target":"{{group}}","canaryPercent":{{canaryPercent}},"maxFailureShare":{{maxFailureShare}}}""");
}
