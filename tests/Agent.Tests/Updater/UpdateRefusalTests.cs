namespace Edge.Agent.Tests.Updater;

using Edge.Agent.Tests.Support;
using Edge.Shared.Updates;
using Edge.Updates;
using Xunit;

/// <summary>Every bad input is refused with its reason while the factory model keeps answering.</summary>
public sealed class UpdateRefusalTests : UpdateTestBase
{
    [Fact]
    public async Task A_truncated_block_is_dropped_requested_again_and_the_update_succeeds()
    {
        var truncatedOnce = 0;
        var (cloud, agent, _) = await StartAsync();
        await using (cloud)
        await using (agent)
        {
            cloud.Mutate = (index, frame) => index == 3 && Interlocked.Exchange(ref truncatedOnce, 1) == 0 ? frame[..^100] : frame;
            var package = Publishable(TestPackages.DigitsV2());
            cloud.Add(package);
            await cloud.PublishDesiredAsync(package.Package, Ct);
            await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, Ct);

            Assert.Equal(2, cloud.Requested.Count(i => i == 3));
            Assert.Contains(cloud.Statuses(), s => s.State == UpdateState.Verifying && s.Detail?.Contains("truncated", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task Forged_block_frames_are_dropped_and_requested_again_and_the_good_package_still_applies()
    {
        // Before: one forged frame per block made the whole payload fail its hash, remembered for good.
        var forged = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var (cloud, agent, _) = await StartAsync();
        await using (cloud)
        await using (agent)
        {
            cloud.Mutate = (index, frame) =>
            {
                if (!forged.TryAdd(index, true))
                {
                    return frame;
                }

                // The first copy of every block is forged: right header, wrong bytes; block 1's is also far too large.
                frame[^1] ^= 0xFF;
                return index == 1 ? [.. frame, .. new byte[BlockFrame.MaxBlockSize]] : frame;
            };
            var package = Publishable(TestPackages.DigitsV2());
            cloud.Add(package);
            await cloud.PublishDesiredAsync(package.Package, Ct);
            await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, Ct);

            Assert.Equal(TestPackages.V2, (await agent.InferAsync()).ModelVersion);
            Assert.DoesNotContain(cloud.Statuses(), s => s.State == UpdateState.Failed);
            Assert.All(Enumerable.Range(0, 3), i => Assert.True(cloud.Requested.Count(r => r == i) >= 2));
            Assert.Contains(cloud.Statuses(), s => s.Detail?.Contains("not matching their signed hash", StringComparison.Ordinal) == true);
            var failedList = Path.Combine(State.FullName, "updates", "failed.json");
            Assert.False(File.Exists(failedList) && File.ReadAllText(failedList).Contains(TestPackages.V2, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_package_whose_payload_does_not_match_its_signed_hash_is_refused_and_not_tried_again_but_a_new_one_is()
    {
        var (cloud, agent, _) = await StartAsync();
        await using (cloud)
        await using (agent)
        {
            var bad = TestPackages.WithWrongPayloadHash(Publishable(TestPackages.DigitsV2()), Key);
            cloud.Add(bad);
            await cloud.PublishDesiredAsync(bad.Package, Ct);
            var failed = await cloud.WaitForStateAsync(UpdateState.Failed, TestPackages.V2, Ct);
            Assert.Equal(UpdateFailure.PayloadHashMismatch, failed.Failure);
            Assert.Equal(TestPackages.Factory, (await agent.InferAsync()).ModelVersion);

            // Published again: refused from memory, nothing downloaded again.
            var requested = cloud.Requested.Count;
            await cloud.PublishDesiredAsync(bad.Package, Ct);
            await cloud.WaitForStatusAsync(s => s.State == UpdateState.Failed && s.Detail == failed.Detail && s.At > failed.At, Ct);
            Assert.Equal(requested, cloud.Requested.Count);

            var good = Publishable(TestPackages.DigitsEdge("3.0.0"));
            cloud.Add(good);
            await cloud.PublishDesiredAsync(good.Package, Ct);
            await cloud.WaitForStateAsync(UpdateState.Applied, "3.0.0", Ct);
        }
    }

    [Fact]
    public async Task A_replayed_older_package_is_refused_but_a_signed_rollback_is_applied()
    {
        // Before: any older package the cloud ever signed could be sent again and was installed.
        var (cloud, agent, deadline) = await StartAsync();
        using (deadline)
        await using (cloud)
        await using (agent)
        {
            var v3 = Publishable(TestPackages.DigitsEdge("3.0.0"));
            cloud.Add(v3);
            await cloud.PublishDesiredAsync(v3.Package, deadline.Token);
            await cloud.WaitForStateAsync(UpdateState.Applied, "3.0.0", deadline.Token);

            var old = Publishable(TestPackages.DigitsEdge("2.5.0"));
            cloud.Add(old);
            await cloud.PublishDesiredAsync(old.Package, deadline.Token, rolloutId: "r-replayed");
            var refused = await cloud.WaitForStateAsync(UpdateState.Failed, "2.5.0", deadline.Token);
            Assert.Equal(UpdateFailure.Downgrade, refused.Failure);
            Assert.Contains("not signed as a rollback", refused.Detail, StringComparison.Ordinal);
            Assert.Equal("3.0.0", (await agent.InferAsync()).ModelVersion);

            var rollback = TestPackages.Build(TestPackages.DigitsEdge("2.5.0"), Key, allowDowngrade: true);
            await cloud.PublishDesiredAsync(rollback.Package, deadline.Token, rolloutId: "r-rollback");
            await cloud.WaitForStatusAsync(s => s.State == UpdateState.Applied && s.TargetVersion == "2.5.0", deadline.Token);
            Assert.Equal("2.5.0", (await agent.InferAsync()).ModelVersion);
        }
    }

    [Fact]
    public Task A_package_signed_by_an_unknown_key_is_refused()
    {
        using var stranger = SigningKey.Generate();
        return RefusedAsync(TestPackages.Build(TestPackages.DigitsV2(), stranger), UpdateFailure.UnknownSigningKey);
    }

    [Fact]
    public Task A_package_whose_signature_is_not_from_the_key_it_names_is_refused()
    {
        using var stranger = SigningKey.Generate();
        var forged = TestPackages.Build(TestPackages.DigitsV2(), stranger);
        var claimed = new SignedPackage { Manifest = forged.Package.Manifest, KeyId = Key.KeyId, Signature = forged.Package.Signature };
        return RefusedAsync(forged with { Package = claimed }, UpdateFailure.BadSignature);
    }

    [Fact]
    public Task A_package_for_another_model_is_refused()
    {
        var (manifest, model) = TestPackages.DigitsV2();
        manifest.Name = "digits-cloud";
        return RefusedAsync(Publishable((manifest, model)), UpdateFailure.WrongModel);
    }

    [Fact]
    public Task A_package_for_another_device_class_is_refused() =>
        RefusedAsync(TestPackages.Build(TestPackages.DigitsV2(), Key, "linux-riscv64"), UpdateFailure.WrongDeviceClass);

    [Fact]
    public Task A_package_declaring_a_model_over_the_size_limit_is_refused() =>
        RefusedAsync(Publishable(TestPackages.DigitsV2()), UpdateFailure.TooLarge, new() { ["Updates:MaxModelBytes"] = "100000" });

    [Fact]
    public Task A_signed_package_whose_file_is_not_onnx_is_refused()
    {
        var (manifest, _) = TestPackages.DigitsV2();
        var notOnnx = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("not an onnx model ", 400)));
        return RefusedAsync(Publishable((manifest, notOnnx)), UpdateFailure.NotOnnx);
    }

    [Fact]
    public Task A_model_that_fails_its_golden_self_test_is_refused()
    {
        var (manifest, model) = TestPackages.DigitsV2();
        manifest.Golden[0].ExpectedTop1 = (manifest.Golden[0].ExpectedTop1 + 1) % manifest.Labels.Length;
        return RefusedAsync(Publishable((manifest, model)), UpdateFailure.SelfTestFailed);
    }

    [Fact]
    public Task A_model_onnx_runtime_cannot_load_is_refused()
    {
        var (manifest, _) = TestPackages.DigitsEdge("3.0.0");
        return RefusedAsync(Publishable((manifest, TestPackages.UnloadableOnnx())), UpdateFailure.LoadFailed);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The refusal report (see <see cref="TestCloud.WaitForStateOfferingAgainAsync"/> for the known loss it works around).</summary>
    private static Task<ModelStatus> FailedAsync(TestCloud cloud, BuiltPackage package, CancellationToken cancellationToken) =>
        cloud.WaitForStateOfferingAgainAsync(UpdateState.Failed, null, package.Package, cancellationToken);

    private BuiltPackage Publishable((Edge.Shared.Models.ModelManifest, byte[]) model) => TestPackages.Build(model, Key);

    private async Task RefusedAsync(BuiltPackage package, UpdateFailure expected, Dictionary<string, string?>? settings = null)
    {
        var (cloud, agent, deadline) = await StartAsync(settings);
        using (deadline)
        await using (cloud)
        await using (agent)
        {
            cloud.Add(package);
            await cloud.PublishDesiredAsync(package.Package, deadline.Token);
            var failed = await FailedAsync(cloud, package, deadline.Token);

            Assert.Equal(expected, failed.Failure);
            Assert.False(string.IsNullOrWhiteSpace(failed.Detail));
            Assert.Equal((TestPackages.Factory, TestPackages.Factory), (failed.RunningVersion, (await agent.InferAsync()).ModelVersion));
            Assert.False(Directory.Exists(Path.Combine(State.FullName, "models", "digits-edge", package.Manifest.Version)));
            Assert.False(File.Exists(Path.Combine(State.FullName, "models", "current.json")));
        }
    }

    private async Task<(TestCloud Cloud, TestAgentHost Agent, CancellationTokenSource Deadline)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var deadline = UpdateEndToEndTests.Deadline();
        var cloud = await TestCloud.StartAsync(Device, deadline.Token);
        var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey], settings), deadline.Token);
        return (cloud, agent, deadline);
    }
}
