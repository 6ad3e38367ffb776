namespace Edge.Bench;

using System.Globalization;
using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Quantization;
using Edge.Shared.Config;
using Edge.Shared.Models;
using Edge.TestSupport;

/// <summary>
/// The bring-your-own models (models/byo) side by side: FP32 against INT8 (accuracy, agreement, bytes, zstd bytes,
/// p50 latency), ECE before and after calibration, the local share at 0.9 under schema-1 scoring (softmax of the
/// output whatever it holds) against schema-2 (by output kind, calibrated), and the nodes left in float.
/// </summary>
internal static class ByoBench
{
    private const double Threshold = 0.9;

    private static readonly string[] Models =
        ["byo-flat-softmax", "byo-opset9-softmax", "byo-sigmoid-okng", "byo-text-48x192", "byo-mnv3-bn-constant", "byo-resnet"];

    public static int Run(string[] args)
    {
        var runs = AnswerPathBench.ArgInt(args, "--iterations", 2000);
        Console.WriteLine($"CPU: {Environment.ProcessorCount} logical cores; MinMax calibration, INT8 gate {new AccuracyGateOptions().MaxTop1DropPoints} point; p50 over {runs} batch-1 runs, 1 thread");
        Console.WriteLine($"{"model",-22} {"FP32 %",7} {"INT8 %",7} {"agree %",7} {"gate",5} {"bytes",9} {"INT8 b",9} {"zstd",8} {"INT8 z",8} {"p50 µs",7} {"INT8",7} {"T",6} {"ECE",7} {"after",7} {"local@.9 s1",11} {"s2",6}  float nodes");
        foreach (var name in Models)
        {
            var manifest = QuantizeBench.ReadManifest("byo/" + name);
            var fp32 = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));
            var data = name == "byo-flat-softmax" ? (RepoPaths.Data("digits-calibration.json"), RepoPaths.Data("digits-heldout.json"))
                : (RepoPaths.Model($"byo/data/{name}-calibration.jsonl"), RepoPaths.Model($"byo/data/{name}-heldout.jsonl"));
            var calibrationData = LabeledData.Read(data.Item1);
            var calibration = PreparedData.From(manifest, calibrationData, labelled: false, "calibration").Tensors;
            var heldOut = PreparedData.From(manifest, LabeledData.Read(data.Item2), labelled: true, "held-out").Tensors;
            var kind = OutputKinds.TryParse(manifest.Output.Kind, out var k) ? k : OutputKind.Logits;

            manifest.Temperature = 1;
            var calibrated = ModelCalibrator.Calibrate(manifest, fp32, calibrationData);
            var rows = ModelEvaluator.Rows(fp32, name, heldOut, manifest.Output.Name);
            var before = TemperatureFit.Measure(rows, heldOut.Labels!, kind, 1);
            var after = TemperatureFit.Measure(rows, heldOut.Labels!, kind, calibrated.Temperature);

            var int8 = ModelQuantizer.Quantize(fp32, name, calibration, new QuantizationOptions());
            var report = ModelEvaluator.Compare(fp32, int8, heldOut, new TensorSet(calibration.SampleShape, calibration.Samples.Take(32).ToList()), output: manifest.Output);
            var passes = Record.Passes(() => AccuracyGate.Check(report, new AccuracyGateOptions()));
            var (fpUs, qUs) = QuantizeBench.Latency(fp32, int8.Bytes, heldOut.Samples[0], heldOut.SampleShape, 1, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-22} {report.Fp32Top1,7:0.00} {report.Int8Top1,7:0.00} {report.Top1Agreement,7:0.00} {(passes ? "pass" : "422"),5} {fp32.Length,9:#,0} {int8.Bytes.Length,9:#,0} {QuantizeBench.Zstd(fp32),8:#,0} {QuantizeBench.Zstd(int8.Bytes),8:#,0} {fpUs,7:0.0} {qUs,7:0.0} {calibrated.Temperature,6:0.###} {before.Ece,7:0.0000} {after.Ece,7:0.0000} {LocalShare(rows, OutputKind.Logits, 1),11:P1} {LocalShare(rows, kind, calibrated.Temperature),6:P1}  {(int8.FloatNodes.Count == 0 ? "none" : string.Join("; ", int8.FloatNodes))}"));
        }

        return 0;
    }

    /// <summary>Held-out samples whose top probability clears the threshold under <paramref name="kind"/> scoring.</summary>
    private static double LocalShare(float[][] rows, OutputKind kind, double temperature)
    {
        var probabilities = new float[Math.Max(rows[0].Length, 2)];
        var local = rows.Count(r => Scoring.Score(r, kind, temperature, ScoreFunction.MaxProbability, probabilities).Score >= Threshold);
        return (double)local / rows.Length;
    }

    private static class Record
    {
        public static bool Passes(Action check)
        {
            try
            {
                check();
                return true;
            }
            catch (AccuracyGateException)
            {
                return false;
            }
        }
    }
}
