namespace Edge.Updates.Tests;

using Edge.Shared.Updates;
using Edge.Updates.Tests.Support;

public sealed class PackageBuilderTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Builds_a_signed_package_whose_every_payload_rebuilds_the_model()
    {
        var v1 = Models.Bytes("camera-mnv2-v1");
        var v2 = Models.Bytes("camera-mnv2-v2");
        var source = Models.Manifest("camera-mnv2-v2");
        using var key = SigningKey.Generate();

        var built = PackageBuilder.Build(source, v2, [new BaseModel("1", v1), new BaseModel("2", v2)], "any", key, Now);
        var manifest = new TrustedKeys([key.PublicKey]).Verify(built.Package);
        PackageChecks.Validate(manifest, source.Name, "linux-arm64", 10_000_000);

        Assert.Equal(Sha256Hex.Of(v2), manifest.ModelSha256);
        Assert.Equal(v2.Length, manifest.ModelSize);
        Assert.Equal("model.onnx", manifest.Model.File);
        Assert.Equal(manifest.ModelSha256, manifest.Model.Sha256);
        Assert.Equal(Now, manifest.CreatedAt);
        Assert.Equal(source.Golden.Length, manifest.Model.Golden.Length);
        Assert.NotEqual("model.onnx", source.File);
        Assert.Equal([PayloadKind.Full, PayloadKind.Delta], manifest.Payloads.Select(p => p.Kind));
        var delta = PackageChecks.Choose(manifest, [Sha256Hex.Of(v1)]);
        Assert.Equal("1", delta.BaseVersion);
        foreach (var payload in built.Payloads)
        {
            Assert.Equal(payload.Payload.Sha256, Sha256Hex.Of(payload.Bytes));
            var rebuilt = ModelPayloads.Rebuild(payload.Payload, payload.Bytes, payload.Payload.Kind == PayloadKind.Delta ? v1 : [], manifest.ModelSize, manifest.ModelSha256);
            Assert.Equal(v2, rebuilt);
        }
    }

    [Fact]
    public void Leaves_out_a_delta_that_is_not_smaller_than_the_full_payload()
    {
        // Same tensor names and sizes: the target's tensors are zeros (tiny in full), the base's are noise, so the
        // byte-wise difference is noise that zstd cannot shrink.
        var model = OnnxEdit.Rewrite(Models.Bytes("digits-edge"), (name, data) => (name, new byte[data.Length]));
        var random = new Random(2);
        var noise = OnnxEdit.Rewrite(model, (name, data) =>
        {
            var bytes = new byte[data.Length];
            random.NextBytes(bytes);
            return (name, bytes);
        });
        using var key = SigningKey.Generate();
        Assert.True(ModelPayloads.EncodeDelta(noise, model).Length >= ModelPayloads.CompressFull(model).Length);

        var built = PackageBuilder.Build(Models.Manifest("digits-edge"), model, [new BaseModel("0", noise)], "linux-arm64", key, Now);

        Assert.Single(built.Payloads);
        Assert.Equal(PayloadKind.Full, built.Manifest.Payloads.Single().Kind);
        Assert.Equal("linux-arm64", built.Manifest.DeviceClass);
    }
}
