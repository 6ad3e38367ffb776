namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Quantization;
using Edge.TestSupport;
using Edge.Updates;

/// <summary>
/// Bytes on the wire for the camera-scale model's update, v1 → v2, FP32 and INT8: Edge's full and tensor-aware delta
/// payloads beside the Debian tools (<c>zstd -19 --long</c>, <c>zstd --patch-from</c>, <c>bsdiff</c>, <c>xdelta3</c>) on the same files.
/// Every Edge delta is rebuilt and its hash checked, so a ratio is never reported for a payload that would not install.
/// </summary>
internal static class OtaBytesBench
{
    public static void Run(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var v1 = File.ReadAllBytes(RepoPaths.Model("camera-mnv2-v1.onnx"));
        var v2 = File.ReadAllBytes(RepoPaths.Model("camera-mnv2-v2.onnx"));
        var (q1, q2) = QuantizePair(v1, v2);
        Console.WriteLine($"camera-mnv2 v1 → v2 update; files in {workDirectory}");
        Console.WriteLine($"{"payload",-34} {"FP32 bytes",12} {"× file",7} {"INT8 bytes",12} {"× file",7}");
        var fp = Measure(workDirectory, "fp32", v1, v2);
        var i8 = Measure(workDirectory, "int8", q1, q2);
        foreach (var key in fp.Keys)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{key,-34} {Cell(fp[key]),12} {Ratio(fp[key], v2.Length),7} {Cell(i8.GetValueOrDefault(key)),12} {Ratio(i8.GetValueOrDefault(key), q2.Length),7}"));
        }
    }

    private static (byte[] V1, byte[] V2) QuantizePair(byte[] v1, byte[] v2)
    {
        var manifest = QuantizeBench.ReadManifest("camera-mnv2-v1");
        var calibration = TensorSet.FromDigits(manifest.Input, HeldOut.Load("digits-calibration.json").Samples, 270);
        var options = new QuantizationOptions();
        return (ModelQuantizer.Quantize(v1, "camera-mnv2-v1.onnx", calibration, options).Bytes,
                ModelQuantizer.Quantize(v2, "camera-mnv2-v2.onnx", calibration, options).Bytes);
    }

    private static Dictionary<string, long?> Measure(string dir, string tag, byte[] baseModel, byte[] target)
    {
        var basePath = Path.Combine(dir, $"{tag}-v1.onnx");
        var targetPath = Path.Combine(dir, $"{tag}-v2.onnx");
        File.WriteAllBytes(basePath, baseModel);
        File.WriteAllBytes(targetPath, target);
        var full = ModelPayloads.CompressFull(target);
        var delta = ModelPayloads.EncodeDelta(baseModel, target);
        CheckRebuilds(delta, baseModel, target);
        var sizes = new Dictionary<string, long?>(StringComparer.Ordinal)
        {
            ["file itself"] = target.Length,
            ["Edge full (zstd -19)"] = full.Length,
            ["Edge delta (tensor-aware, zstd)"] = delta.Length,
            ["Edge ships (smaller of the two)"] = Math.Min(full.Length, delta.Length),
            ["zstd -19 --long"] = Tool(dir, "zstd", $"-q -f -19 --long=27 {targetPath} -o {{out}}", $"{tag}.zst"),
            ["zstd -19 --patch-from"] = Tool(dir, "zstd", $"-q -f -19 --long=27 --patch-from={basePath} {targetPath} -o {{out}}", $"{tag}.patch.zst"),
            ["bsdiff"] = Tool(dir, "bsdiff", $"{basePath} {targetPath} {{out}}", $"{tag}.bsdiff"),
            ["xdelta3 -9"] = Tool(dir, "xdelta3", $"-e -f -9 -s {basePath} {targetPath} {{out}}", $"{tag}.xdelta"),
        };
        return sizes;
    }

    private static void CheckRebuilds(byte[] delta, byte[] baseModel, byte[] target)
    {
        var payload = new Edge.Shared.Updates.PackagePayload
        {
            Sha256 = Sha256Hex.Of(delta),
            Size = delta.Length,
            Kind = Edge.Shared.Updates.PayloadKind.Delta,
            BaseVersion = "v1",
            BaseSha256 = Sha256Hex.Of(baseModel),
        };
        var rebuilt = ModelPayloads.Rebuild(payload, delta, baseModel, target.Length, Sha256Hex.Of(target));
        if (!rebuilt.AsSpan().SequenceEqual(target))
        {
            throw new InvalidOperationException("the delta did not rebuild the target byte for byte");
        }
    }

    /// <summary>Runs a Debian tool; null (printed as "n/a") when it is not installed.</summary>
    private static long? Tool(string dir, string tool, string arguments, string outName)
    {
        var output = Path.Combine(dir, outName);
        try
        {
            var info = new ProcessStartInfo(tool, arguments.Replace("{out}", output, StringComparison.Ordinal))
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode == 0 && File.Exists(output) ? new FileInfo(output).Length : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Cell(long? bytes) => bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) : "n/a";

    private static string Ratio(long? bytes, long file) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{(double)b / file:0.000}") : "";
}
