namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Edge.Demo;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Pruning;
using Edge.ModelTools.Quantization;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.ML.OnnxRuntime;
using ZstdSharp;

/// <summary>
/// FP32 against INT8 (this repo's QDQ quantizer) for the digits edge model and the camera-scale model, side by side:
/// file size, zstd size, held-out top-1, p50 latency (batch 1) with one thread and with every core, and the op
/// types of ONNX Runtime's optimized INT8 graph as proof of fused integer kernels.
/// </summary>
internal static class QuantizeBench
{
    private const int ZstdLevel = 19;

    public static int Run(string[] args)
    {
        var calibrationCount = AnswerPathBench.ArgInt(args, "--calibration", 270);
        var iterations = AnswerPathBench.ArgInt(args, "--iterations", 0);
        var options = new QuantizationOptions
        {
            CalibrationMethod = Enum.Parse<CalibrationMethod>(ArgString(args, "--method", nameof(CalibrationMethod.MinMax)), ignoreCase: true),
            ActivationType = Enum.Parse<ActivationType>(ArgString(args, "--activations", nameof(ActivationType.Auto)), ignoreCase: true),
        };
        var sparsities = ArgString(args, "--sparsities", "0.25,0.5,0.75").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var calibrationDigits = HeldOut.Load("digits-calibration.json").Samples;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}; ORT {OrtEnv.Instance().GetVersionString()}; zstd level {ZstdLevel}; calibration {calibrationCount} samples, {options.CalibrationMethod}"));
        foreach (var name in new[] { "digits-edge", "camera-mnv2-v1" })
        {
            var manifest = ReadManifest(name);
            var fp32 = File.ReadAllBytes(RepoPaths.Model(manifest.File));
            var calibration = TensorSet.FromDigits(manifest.Input, calibrationDigits, calibrationCount);
            var heldOut = TensorSet.FromDigits(manifest.Input, HeldOut.Digits);
            var started = Stopwatch.GetTimestamp();
            var int8 = ModelQuantizer.Quantize(fp32, manifest.File, calibration, options);
            var quantizeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var report = ModelEvaluator.Compare(fp32, int8, heldOut, new TensorSet(calibration.SampleShape, calibration.Samples.Take(32).ToList()));
            var runs = iterations > 0 ? iterations : fp32.Length > 1_000_000 ? 400 : 20_000;
            var sample = heldOut.Samples[0];
            var all = Environment.ProcessorCount;
            var (fp1, q1) = Latency(fp32, int8.Bytes, sample, heldOut.SampleShape, 1, runs);
            var (fpAll, qAll) = Latency(fp32, int8.Bytes, sample, heldOut.SampleShape, all, runs);

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: quantized in {quantizeMs:0} ms ({int8.ActivationType} activations, {int8.Layers.Count} integer ops, {int8.QdqPairs} Q/DQ pairs, float ops left: {(int8.FloatOps.Count == 0 ? "none" : string.Join(' ', int8.FloatOps))})"));
            Console.WriteLine($"{"",-26} {"FP32",14} {"INT8",14} {"ratio",8}");
            Row("file bytes", fp32.Length, int8.Bytes.Length);
            Row($"zstd -{ZstdLevel} bytes", Zstd(fp32), Zstd(int8.Bytes));
            Row("held-out top-1 %", report.Fp32Top1, report.Int8Top1, ratio: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"top-1 agreement %",-26} {report.Top1Agreement,29:0.00}"));
            Row("p50 µs, 1 thread", fp1, q1);
            Row($"p50 µs, {all} threads", fpAll, qAll);
            var worst = report.WorstLayers(1).First();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lowest per-layer SQNR: {worst.OpType} '{worst.NodeName}' {worst.SqnrDb:0.0} dB"));
            Console.WriteLine($"ORT optimized INT8 graph: {string.Join(", ", OptimizedGraph.OpTypes(int8.Bytes).Select(kv => $"{kv.Key}×{kv.Value}"))}");
            Console.WriteLine($"ORT optimized FP32 graph: {string.Join(", ", OptimizedGraph.OpTypes(fp32).Select(kv => $"{kv.Key}×{kv.Value}"))}");
            Variants(name, manifest.File, fp32, calibration, heldOut, options, sparsities);
        }

        return 0;
    }

    /// <summary>Magnitude pruning (--sparsities, default 25/50/75 %) before INT8, and dynamic (weight-only) INT8, against the unpruned FP32.</summary>
    private static void Variants(string name, string file, byte[] fp32, TensorSet calibration, TensorSet heldOut, QuantizationOptions options, double[] sparsities)
    {
        var probe = new TensorSet(calibration.SampleShape, calibration.Samples.Take(32).ToList());
        Console.WriteLine($"{name} variants (vs unpruned FP32)      file bytes     zstd bytes   top-1 %  agreement %");
        foreach (var (sparsity, scope) in sparsities.SelectMany(s => new[] { (s, PruningScope.PerLayer), (s, PruningScope.Global) }))
        {
            var pruned = MagnitudePruner.Prune(fp32, file, new PruningOptions { Sparsity = sparsity, Scope = scope });
            var prunedInt8 = ModelQuantizer.Quantize(pruned.Bytes, file, calibration, options);
            var prunedReport = ModelEvaluator.Compare(fp32, prunedInt8, heldOut, probe);
            var fp32Report = ModelEvaluator.Compare(fp32, new QuantizedModel(pruned.Bytes, prunedInt8.ActivationType, [], [], 0), heldOut, probe);
            Variant($"{scope} {sparsity:P0} FP32 ({pruned.Tensors.Count} t.)", pruned.Bytes, fp32Report);
            Variant($"{scope} {sparsity:P0} → INT8", prunedInt8.Bytes, prunedReport);
        }

        var dynamic = ModelQuantizer.Quantize(fp32, file, calibration, new QuantizationOptions { Mode = QuantizationMode.Dynamic });
        Variant("dynamic INT8 (MatMul/Gemm only)", dynamic.Bytes, ModelEvaluator.Compare(fp32, dynamic, heldOut, probe));
        Console.WriteLine($"ORT optimized dynamic graph: {string.Join(", ", OptimizedGraph.OpTypes(dynamic.Bytes).Select(kv => $"{kv.Key}×{kv.Value}"))}");
    }

    private static void Variant(string label, byte[] model, QuantizationReport report) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-36} {model.Length,14:#,0} {Zstd(model),14:#,0} {report.Int8Top1,9:0.00} {report.Top1Agreement,12:0.00}"));

    internal static string ArgString(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static void Row(string label, double fp32, double int8, bool ratio = true) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-26} {fp32,14:#,0.##} {int8,14:#,0.##} {(ratio ? (int8 / fp32).ToString("0.00x", CultureInfo.InvariantCulture) : ""),8}"));

    internal static int Zstd(byte[] bytes)
    {
        using var compressor = new Compressor(ZstdLevel);
        return compressor.Wrap(bytes).Length;
    }

    /// <summary>Batch-1 p50 of both models, interleaved in rounds so machine drift hits them alike.</summary>
    internal static (double Fp32, double Int8) Latency(byte[] fp32, byte[] int8, float[] sample, int[] sampleShape, int threads, int runs)
    {
        using var a = new Timed(fp32, sample, sampleShape, threads);
        using var b = new Timed(int8, sample, sampleShape, threads);
        a.Measure(runs / 10);
        b.Measure(runs / 10);
        var fpTimes = new List<double>(runs);
        var qTimes = new List<double>(runs);
        for (var round = 0; round < 10; round++)
        {
            fpTimes.AddRange(a.Measure(runs / 10));
            qTimes.AddRange(b.Measure(runs / 10));
        }

        return (P50(fpTimes), P50(qTimes));
    }

    private static double P50(List<double> times)
    {
        var sorted = times.ToArray();
        Array.Sort(sorted);
        return Percentiles.Of(sorted, 50);
    }

    internal static ModelManifest ReadManifest(string name)
    {
        using var stream = File.OpenRead(RepoPaths.Model(name + ".manifest.json"));
        return JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.ModelManifest)!;
    }

    private sealed class Timed : IDisposable
    {
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly OrtValue _input;
        private readonly RunOptions _run = new();
        private readonly string[] _inputs;
        private readonly string[] _outputs;

        public Timed(byte[] model, float[] sample, int[] sampleShape, int threads)
        {
            _options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            _session = new InferenceSession(model, _options);
            _input = OrtValue.CreateTensorValueFromMemory(sample, [1, .. sampleShape.Select(d => (long)d)]);
            _inputs = [_session.InputNames[0]];
            _outputs = [_session.OutputNames[0]];
        }

        public List<double> Measure(int runs)
        {
            var times = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var result = _session.Run(_run, _inputs, [_input], _outputs);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            return times;
        }

        public void Dispose()
        {
            _input.Dispose();
            _run.Dispose();
            _session.Dispose();
            _options.Dispose();
        }
    }
}
