namespace Edge.Updates.Tests;

using Edge.Shared.Updates;
using Edge.Updates.Tests.Support;

public sealed class PayloadRoundTripTests
{
    [Theory]
    [InlineData("digits-edge")]
    [InlineData("digits-cloud")]
    [InlineData("camera-mnv2-v2")]
    public void A_full_payload_rebuilds_the_exact_file(string name)
    {
        var model = Models.Bytes(name);
        var payload = ModelPayloads.CompressFull(model);

        var rebuilt = ModelPayloads.Rebuild(Full(payload), payload, [], model.Length, Sha256Hex.Of(model));

        Assert.Equal(Sha256Hex.Of(model), Sha256Hex.Of(rebuilt));
        Assert.True(payload.Length < model.Length);
    }

    [Fact]
    public void The_camera_v1_to_v2_delta_rebuilds_exactly_and_is_smaller_than_the_full_payload()
    {
        var v1 = Models.Bytes("camera-mnv2-v1");
        var v2 = Models.Bytes("camera-mnv2-v2");
        var full = ModelPayloads.CompressFull(v2);
        var delta = ModelPayloads.EncodeDelta(v1, v2);

        var rebuilt = ModelPayloads.Rebuild(Delta(delta, v1), delta, v1, v2.Length, Sha256Hex.Of(v2));

        Assert.Equal(Sha256Hex.Of(v2), Sha256Hex.Of(rebuilt));
        Assert.True(delta.Length < full.Length, $"delta {delta.Length} B, full {full.Length} B, model {v2.Length} B");
        TestContext.Current.TestOutputHelper?.WriteLine($"camera FP32 v1→v2: model {v2.Length} B, full {full.Length} B, delta {delta.Length} B");
    }

    [Fact]
    public void An_int8_fine_tune_delta_is_under_a_third_of_the_full_payload()
    {
        var v1 = Models.QuantizeWeightsInt8(Models.Bytes("camera-mnv2-v1"));
        var v2 = Models.QuantizeWeightsInt8(Models.Bytes("camera-mnv2-v2"));
        var full = ModelPayloads.CompressFull(v2);
        var delta = ModelPayloads.EncodeDelta(v1, v2);

        var rebuilt = ModelPayloads.Rebuild(Delta(delta, v1), delta, v1, v2.Length, Sha256Hex.Of(v2));

        Assert.Equal(v2, rebuilt);
        var ratio = (double)delta.Length / full.Length;
        Assert.True(ratio < 0.35, $"delta {delta.Length} B / full {full.Length} B = {ratio:F3}");
        TestContext.Current.TestOutputHelper?.WriteLine($"camera INT8 v1→v2: model {v2.Length} B, full {full.Length} B, delta {delta.Length} B ({ratio:F3})");
    }

    [Fact]
    public void A_delta_from_a_slightly_changed_digits_model_rebuilds_exactly_and_is_small()
    {
        var v1 = Models.Bytes("digits-edge");
        var v2 = Models.NudgeTensors(v1, stride: 16);
        Assert.NotEqual(v1, v2);
        var full = ModelPayloads.CompressFull(v2);
        var delta = ModelPayloads.EncodeDelta(v1, v2);

        var rebuilt = ModelPayloads.Rebuild(Delta(delta, v1), delta, v1, v2.Length, Sha256Hex.Of(v2));

        Assert.Equal(v2, rebuilt);
        Assert.True(delta.Length * 4 < full.Length, $"delta {delta.Length} B, full {full.Length} B");
        TestContext.Current.TestOutputHelper?.WriteLine($"digits nudged: model {v2.Length} B, full {full.Length} B, delta {delta.Length} B");
    }

    [Fact]
    public void Tensors_that_were_added_removed_renamed_or_resized_still_rebuild_exactly()
    {
        var v1 = Models.Bytes("camera-mnv2-v1");
        var tensors = OnnxEdit.Initializers(v1).Keys.ToList();
        var (dropped, resized, renamed) = (tensors[0], tensors[1], tensors[2]);
        var v2 = OnnxEdit.Rewrite(
            Models.Bytes("camera-mnv2-v2"),
            (name, data) => name == dropped ? null
                : name == resized ? (name, [.. data, .. data[..8]])
                : name == renamed ? (name + "_renamed", data)
                : (name, data),
            ("brand_new", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray()));

        var delta = ModelPayloads.EncodeDelta(v1, v2);
        var rebuilt = ModelPayloads.Rebuild(Delta(delta, v1), delta, v1, v2.Length, Sha256Hex.Of(v2));

        Assert.Equal(v2, rebuilt);
        Assert.True(OnnxStructure.LooksLikeOnnx(v2));
        Assert.True(TensorDelta.Subtract(v2.ToArray(), v1) < tensors.Count - 2, "the changed tensors must not be diffed");
    }

    [Fact]
    public void A_delta_between_files_that_are_not_onnx_degrades_to_zstd_against_the_base()
    {
        var random = new Random(5);
        var v1 = new byte[200_000];
        random.NextBytes(v1);
        var v2 = (byte[])v1.Clone();
        random.NextBytes(v2.AsSpan(1000, 500));

        var delta = ModelPayloads.EncodeDelta(v1, v2);
        var payload = Delta(delta, v1);
        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(payload, delta, v1, v2.Length, Sha256Hex.Of(v2)));

        // Byte-exact (the hash matched), then refused only because the file is not a model.
        Assert.Equal(UpdateFailure.NotOnnx, e.Failure);
        Assert.True(delta.Length < 2_000, $"delta {delta.Length} B");
        Assert.Equal(v2, Zstd.Decompress(delta, v1, v2.Length));
    }

    [Fact]
    public void An_onnx_target_against_a_base_that_is_not_onnx_rebuilds_exactly()
    {
        var v1 = new byte[50_000];
        new Random(9).NextBytes(v1);
        var v2 = Models.Bytes("digits-edge");

        var delta = ModelPayloads.EncodeDelta(v1, v2);

        Assert.Equal(v2, ModelPayloads.Rebuild(Delta(delta, v1), delta, v1, v2.Length, Sha256Hex.Of(v2)));
    }

    internal static PackagePayload Full(byte[] payload) =>
        new() { Sha256 = Sha256Hex.Of(payload), Size = payload.Length, Kind = PayloadKind.Full };

    internal static PackagePayload Delta(byte[] payload, byte[] baseModel) => new()
    {
        Sha256 = Sha256Hex.Of(payload), Size = payload.Length, Kind = PayloadKind.Delta, BaseVersion = "1", BaseSha256 = Sha256Hex.Of(baseModel),
    };
}
