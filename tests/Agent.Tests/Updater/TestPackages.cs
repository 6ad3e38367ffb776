namespace Edge.Agent.Tests.Updater;

using System.Text;
using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.Updates;

/// <summary>Real packages made from the committed models, built and signed the way the cloud does.</summary>
internal static class TestPackages
{
    public const string Factory = "1.0.0";
    public const string V2 = "2.0.0";

    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);

    public static ModelManifest Manifest(string model) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(RepoPaths.Model(model + ".manifest.json")), EdgeJsonContext.Default.ModelManifest)!;

    public static byte[] Onnx(string model) => File.ReadAllBytes(RepoPaths.Model(model + ".onnx"));

    /// <summary>
    /// "digits-edge 2.0.0": the larger digits-cloud graph published under the edge model's name, with its own golden
    /// samples. About 130 blocks of 4 KiB, enough to interrupt a download half-way.
    /// </summary>
    public static (ModelManifest Manifest, byte[] Model) DigitsV2(string version = V2)
    {
        var manifest = Manifest("digits-cloud");
        manifest.Name = "digits-edge";
        manifest.Version = version;
        return (manifest, Onnx("digits-cloud"));
    }

    /// <summary>The factory graph under another version: a tiny, quick package.</summary>
    public static (ModelManifest Manifest, byte[] Model) DigitsEdge(string version)
    {
        var manifest = Manifest("digits-edge");
        manifest.Version = version;
        return (manifest, Onnx("digits-edge"));
    }

    /// <summary>Block hashes for <paramref name="blockSize"/>, the size <see cref="TestCloud.PublishDesiredAsync"/> announces unless told otherwise.</summary>
    public static BuiltPackage Build(
        (ModelManifest Manifest, byte[] Model) model, SigningKey key, string deviceClass = DeviceClasses.Any, int blockSize = BlockFrame.MinBlockSize, bool allowDowngrade = false)
    {
        var built = PackageBuilder.Build(model.Manifest, model.Model, [], deviceClass, key, CreatedAt, level: 3, blockSize: blockSize);
        if (!allowDowngrade)
        {
            return built;
        }

        // As the cloud signs a rollback: the same payloads, the manifest saying so.
        built.Manifest.AllowDowngrade = true;
        return built with { Package = key.Sign(built.Manifest) };
    }

    /// <summary>
    /// A package whose signed payload hash does not match its bytes (the blocks' hashes do): a package broken at the
    /// source, not on the wire. The cloud must serve the bytes under the hash the manifest names.
    /// </summary>
    public static BuiltPackage WithWrongPayloadHash(BuiltPackage built, SigningKey key)
    {
        var full = built.Manifest.Payloads[0];
        full.Sha256 = Edge.Updates.Sha256Hex.Of(System.Text.Encoding.ASCII.GetBytes("not these bytes"));
        return built with { Package = key.Sign(built.Manifest), Payloads = [new BuiltPayload(full, built.Payloads[0].Bytes), .. built.Payloads.Skip(1)] };
    }

    /// <summary>A well-formed ONNX file ONNX Runtime cannot run: its Gemm nodes renamed to an operator that does not exist.</summary>
    public static byte[] UnloadableOnnx()
    {
        var bytes = Onnx("digits-edge");
        var gemm = Encoding.ASCII.GetBytes("Gemm");
        for (var i = bytes.AsSpan().IndexOf(gemm); i >= 0; i = bytes.AsSpan().IndexOf(gemm))
        {
            bytes[i + 3] = (byte)'x';
        }

        return bytes;
    }
}
