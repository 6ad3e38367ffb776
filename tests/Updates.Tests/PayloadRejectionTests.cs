namespace Edge.Updates.Tests;

using Edge.Shared.Updates;
using Edge.Updates.Tests.Support;
using static PayloadRoundTripTests;

public sealed class PayloadRejectionTests
{
    private static readonly byte[] Model = Models.Bytes("digits-edge");
    private static readonly string ModelSha = Sha256Hex.Of(Model);

    [Fact]
    public void Refuses_a_payload_that_is_not_zstd()
    {
        var garbage = new byte[4096];
        new Random(1).NextBytes(garbage);

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(garbage), garbage, [], Model.Length, ModelSha));

        Assert.Equal(UpdateFailure.CorruptPayload, e.Failure);
    }

    [Fact]
    public void Refuses_a_truncated_payload()
    {
        var payload = ModelPayloads.CompressFull(Model)[..^40];

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(payload), payload, [], Model.Length, ModelSha));

        Assert.Equal(UpdateFailure.CorruptPayload, e.Failure);
    }

    [Fact]
    public void Refuses_a_payload_with_a_flipped_byte()
    {
        var payload = ModelPayloads.CompressFull(Model);
        payload[payload.Length / 2] ^= 0x40;

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(payload), payload, [], Model.Length, ModelSha));

        Assert.True(e.Failure is UpdateFailure.CorruptPayload or UpdateFailure.ModelHashMismatch, e.Message);
    }

    [Fact]
    public void Stops_a_decompression_bomb_at_the_declared_size()
    {
        var bomb = ModelPayloads.CompressFull(new byte[100_000_000], level: 3);
        Assert.True(bomb.Length < 20_000, $"bomb is {bomb.Length} B");

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(bomb), bomb, [], Model.Length, ModelSha));

        Assert.Equal(UpdateFailure.DecompressedSizeExceeded, e.Failure);
        Assert.Contains(Model.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stops_a_streamed_bomb_without_a_declared_content_size_at_the_declared_size()
    {
        var sink = new MemoryStream();
        using (var stream = new ZstdSharp.CompressionStream(sink, level: 3, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 100; i++)
            {
                stream.Write(zeros);
            }
        }

        var bomb = sink.ToArray();
        Assert.True(bomb.Length < 50_000, $"bomb is {bomb.Length} B");

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(bomb), bomb, [], Model.Length, ModelSha));

        Assert.Equal(UpdateFailure.DecompressedSizeExceeded, e.Failure);
        Assert.Contains("stopped there", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_delta_without_its_base()
    {
        var v2 = Models.NudgeTensors(Model, stride: 8);
        var delta = ModelPayloads.EncodeDelta(Model, v2);
        var payload = Delta(delta, Model);

        var missing = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(payload, delta, [], v2.Length, Sha256Hex.Of(v2)));
        var other = Models.Bytes("digits-cloud");
        var wrong = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(payload, delta, other, v2.Length, Sha256Hex.Of(v2)));

        Assert.Equal(UpdateFailure.BaseMissing, missing.Failure);
        Assert.Equal(UpdateFailure.BaseMissing, wrong.Failure);
        Assert.Contains(Sha256Hex.Of(other), wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_model_whose_hash_differs_from_the_signed_one()
    {
        var payload = ModelPayloads.CompressFull(Model);

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(payload), payload, [], Model.Length, new string('0', 64)));

        Assert.Equal(UpdateFailure.ModelHashMismatch, e.Failure);
        Assert.Contains(ModelSha, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_payload_shorter_than_the_declared_size()
    {
        var payload = ModelPayloads.CompressFull(Model);

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(payload), payload, [], Model.Length + 100, ModelSha));

        Assert.Equal(UpdateFailure.ModelHashMismatch, e.Failure);
        Assert.Contains("declares", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_signed_file_that_is_not_onnx()
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var payload = ModelPayloads.CompressFull(png);

        var e = Assert.Throws<PackageRejectedException>(() => ModelPayloads.Rebuild(Full(payload), payload, [], png.Length, Sha256Hex.Of(png)));

        Assert.Equal(UpdateFailure.NotOnnx, e.Failure);
    }
}
