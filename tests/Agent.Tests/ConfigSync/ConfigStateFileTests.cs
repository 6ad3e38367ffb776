namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.ConfigSync;
using Edge.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

public sealed class ConfigStateFileTests : IDisposable
{
    private static readonly ConfigTargets Targets = new("dev-1", "line-1");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-state-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Saved_configs_load_back_with_their_versions()
    {
        var file = NewFile();
        var held = new HeldConfigs(
            Desired.Config(ConfigScope.Fleet, null, 3, threshold: 0.5),
            Desired.Config(ConfigScope.Group, "line-1", 7, audit: 0.2),
            Desired.Config(ConfigScope.Device, "dev-1", 9));

        await file.SaveAsync(held, TestContext.Current.CancellationToken);
        var loaded = file.Load(Targets);

        Assert.Equal(0.5, loaded.Fleet?.Threshold);
        Assert.Equal(0.2, loaded.Group?.AuditSampleRate);
        Assert.Equal([3L, 7L, 9L], [loaded.VersionOf(ConfigScope.Fleet), loaded.VersionOf(ConfigScope.Group), loaded.VersionOf(ConfigScope.Device)]);
        Assert.Null(loaded.Device?.Threshold);
        Assert.Equal(["config-sync.json"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task Entries_for_another_group_or_device_are_dropped()
    {
        var file = NewFile();
        await file.SaveAsync(
            new HeldConfigs(null, Desired.Config(ConfigScope.Group, "line-1", 2, threshold: 0.3), Desired.Config(ConfigScope.Device, "dev-1", 4, threshold: 0.4)),
            TestContext.Current.CancellationToken);

        var loaded = file.Load(new ConfigTargets("dev-2", "line-2"));

        Assert.True(loaded.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ this is not json")]
    [InlineData("""{"not":"an array"}""")]
    [InlineData("""[{"version":"1"}]""")]
    public async Task An_unreadable_file_yields_no_configs(string content)
    {
        var file = NewFile();
        await File.WriteAllTextAsync(file.Path, content, TestContext.Current.CancellationToken);

        Assert.True(file.Load(Targets).IsEmpty);
    }

    [Fact]
    public void A_missing_file_yields_no_configs() => Assert.True(NewFile().Load(Targets).IsEmpty);

    private ConfigStateFile NewFile() => new(Path.Combine(_dir.FullName, ConfigStateFile.FileName), NullLogger<ConfigStateFile>.Instance);
}
