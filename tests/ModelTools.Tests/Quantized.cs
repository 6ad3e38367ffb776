namespace Edge.ModelTools.Tests;

using System.Text.Json;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Quantization;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.TestSupport;

/// <summary>Each committed model quantized once per test run (calibration is the slow part), with its report.</summary>
internal sealed record Quantized(string Name, byte[] Fp32, QuantizedModel Int8, TensorSet HeldOut, TensorSet Calibration, QuantizationReport Report)
{
    private static readonly Dictionary<string, Lazy<Quantized>> Models = new(StringComparer.Ordinal)
    {
        ["digits-edge"] = new(() => Create("digits-edge", 270)),
        ["digits-cloud"] = new(() => Create("digits-cloud", 270)),
        ["camera-mnv2-v1"] = new(() => Create("camera-mnv2-v1", 48)),
    };

    public static Quantized Get(string name) => Models[name].Value;

    public static ModelManifest Manifest(string name)
    {
        using var stream = File.OpenRead(RepoPaths.Model(name + ".manifest.json"));
        return JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.ModelManifest)!;
    }

    public static TensorSet Calibrate(string name, int limit) =>
        TensorSet.FromDigits(Manifest(name).Input, Edge.TestSupport.HeldOut.Load("digits-calibration.json").Samples, limit);

    private static Quantized Create(string name, int calibrationSamples)
    {
        var manifest = Manifest(name);
        var fp32 = File.ReadAllBytes(RepoPaths.Model(manifest.File));
        var calibration = Calibrate(name, calibrationSamples);
        var heldOut = TensorSet.FromDigits(manifest.Input, Edge.TestSupport.HeldOut.Digits);
        var int8 = ModelQuantizer.Quantize(fp32, manifest.File, calibration, new QuantizationOptions());
        var report = ModelEvaluator.Compare(fp32, int8, heldOut, new TensorSet(calibration.SampleShape, calibration.Samples.Take(16).ToList()));
        return new Quantized(name, fp32, int8, heldOut, calibration, report);
    }
}
