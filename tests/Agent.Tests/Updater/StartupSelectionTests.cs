namespace Edge.Agent.Tests.Updater;

using Edge.Agent.Serving;
using Edge.Agent.Tests.Support;
using Edge.Agent.Updater;
using Edge.Updates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

/// <summary>What a restart serves after a crash left the state folder in any shape: always a verified model.</summary>
public sealed class StartupSelectionTests : IDisposable
{
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task The_installed_current_version_is_served_and_interrupted_writes_are_cleaned_up()
    {
        await WithStateAsync(state =>
        {
            Install(state, TestPackages.DigitsEdge("2.0.0"));
            Current(state).Write(new CurrentModel("digits-edge", "2.0.0", null));

            // What a crash leaves: a half-written file, a staging folder, a download in progress.
            File.WriteAllText(Path.Combine(state, "models", "current.json.tmp"), "{\"na");
            Directory.CreateDirectory(Path.Combine(state, "models", "digits-edge", "3.0.0.staging"));
            Directory.CreateDirectory(Path.Combine(state, "updates"));
            File.WriteAllBytes(Path.Combine(state, "updates", "abc.part"), new byte[10]);
        }, (agent, state) =>
        {
            Assert.Equal("2.0.0", agent.Services.GetRequiredService<IModelInfo>().ModelVersion);
            Assert.False(File.Exists(Path.Combine(state, "models", "current.json.tmp")));
            Assert.False(Directory.Exists(Path.Combine(state, "models", "digits-edge", "3.0.0.staging")));
            Assert.True(File.Exists(Path.Combine(state, "updates", "abc.part")), "a resumable download is not a leftover");
        });
    }

    [Fact]
    public async Task A_tampered_current_version_falls_back_to_the_previous_one()
    {
        await WithStateAsync(state =>
        {
            Install(state, TestPackages.DigitsEdge("2.0.0"));
            Install(state, TestPackages.DigitsEdge("3.0.0"));
            var file = Path.Combine(state, "models", "digits-edge", "3.0.0", "model.onnx");
            var bytes = File.ReadAllBytes(file);
            bytes[^1] ^= 0x01;
            File.WriteAllBytes(file, bytes);
            Current(state).Write(new CurrentModel("digits-edge", "3.0.0", "2.0.0"));
        }, (agent, _) => Assert.Equal("2.0.0", agent.Services.GetRequiredService<IModelInfo>().ModelVersion));
    }

    [Fact]
    public async Task A_tampered_manifest_without_a_previous_version_falls_back_to_the_factory_model()
    {
        await WithStateAsync(state =>
        {
            Install(state, TestPackages.DigitsEdge("2.0.0"));
            var manifest = Path.Combine(state, "models", "digits-edge", "2.0.0", "manifest.json");
            File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"temperature\":", "\"temperature\":0.01,\"x\":", StringComparison.Ordinal));
            Current(state).Write(new CurrentModel("digits-edge", "2.0.0", null));
        }, (agent, _) => Assert.Equal(TestPackages.Factory, agent.Services.GetRequiredService<IModelInfo>().ModelVersion));
    }

    [Fact]
    public async Task A_version_signed_by_a_key_no_longer_trusted_is_not_loaded()
    {
        using var retired = SigningKey.Generate();
        await WithStateAsync(state =>
        {
            Install(state, TestPackages.DigitsEdge("2.0.0"), retired);
            Current(state).Write(new CurrentModel("digits-edge", "2.0.0", null));
        }, (agent, _) => Assert.Equal(TestPackages.Factory, agent.Services.GetRequiredService<IModelInfo>().ModelVersion));
    }

    [Fact]
    public async Task A_corrupt_current_file_starts_the_factory_model()
    {
        await WithStateAsync(
            state => AtomicFile.Write(Path.Combine(state, "models", "current.json"), "{\"name\":\"../../etc\",\"version\":\"x\"}"u8),
            (agent, _) => Assert.Equal(TestPackages.Factory, agent.Services.GetRequiredService<IModelInfo>().ModelVersion));
    }

    [Fact]
    public async Task A_version_whose_health_window_never_passed_is_not_served_at_start_and_a_second_time_it_is_given_up()
    {
        var kept = Directory.CreateTempSubdirectory("edge-trial-").FullName;
        var failedFile = new UpdatePaths(kept).FailedFile;
        try
        {
            for (var start = 1; start <= 2; start++)
            {
                var expectGivenUp = start == 2;
                await WithStateAsync(state =>
                {
                    if (!Directory.Exists(Path.Combine(state, "models", "digits-edge", "3.0.0")))
                    {
                        Install(state, TestPackages.DigitsEdge("2.0.0"));
                        Install(state, TestPackages.DigitsEdge("3.0.0"));
                    }

                    // As the swap writes it: 3.0.0 on trial; the process died before its window passed.
                    Current(state).Write(new CurrentModel("digits-edge", "3.0.0", "2.0.0", TrialPackage: "pkg-3"));
                }, (agent, state) =>
                {
                    Assert.Equal("2.0.0", agent.Services.GetRequiredService<IModelInfo>().ModelVersion);
                    var after = Current(state).Read(out _)!;
                    Assert.Equal(("2.0.0", (string?)null), (after.Version, after.TrialPackage));
                    var failed = agent.Services.GetRequiredService<FailedPackages>().Find("pkg-3");
                    Assert.Equal(expectGivenUp, failed is not null);
                    if (failed is not null)
                    {
                        Assert.Equal(Edge.Shared.Updates.UpdateFailure.HealthWindow, failed.Failure);
                    }
                }, kept);
            }

            Assert.True(File.Exists(failedFile), "the given-up package is remembered on disk");
        }
        finally
        {
            Directory.Delete(kept, recursive: true);
        }
    }

    private static CurrentModelFile Current(string state) => new(new UpdatePaths(state));

    private void Install(string state, (Edge.Shared.Models.ModelManifest, byte[]) model, SigningKey? key = null)
    {
        var built = TestPackages.Build(model, key ?? _key);
        var trust = new PackageTrust(Options.Create(new UpdaterOptions { TrustedKeys = [(key ?? _key).PublicKey] }));
        new InstalledModels(new UpdatePaths(state), trust).Install(built.Manifest, built.Package, model.Item2);
    }

    /// <param name="keepState">A state folder to start on (kept afterwards, for a test that restarts on it); a fresh temp one when null.</param>
    private async Task WithStateAsync(Action<string> prepare, Action<WebApplication, string> check, string? keepState = null)
    {
        await using var agent = TestAgentHost.Create(new TestAgentOptions { StateDirectory = keepState, TrustedKeys = [_key.PublicKey] });

        prepare(agent.State);
        await agent.StartAsync(TestContext.Current.CancellationToken);
        check(agent.App, agent.State);
        await agent.App.StopAsync(TestContext.Current.CancellationToken);
    }
}
