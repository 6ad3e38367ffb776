namespace Edge.Bench;

using Edge.Inference;
using Edge.Shared.Config;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The held-out digits as a score distribution: digits-edge's calibrated max-probability score per sample, whether
/// digits-edge and digits-cloud get its true label, and whether they agree (what the cloud's curve counts as correct).
/// </summary>
internal static class HeldOutScores
{
    public static (ScoreDistribution Distribution, List<(double Score, bool Correct)> Agreement) Load()
    {
        var edge = Predict("digits-edge");
        var cloud = Predict("digits-cloud");
        var digits = HeldOut.Digits;
        var scores = edge.Select(p => p.Score).ToArray();
        var edgeCorrect = edge.Select((p, i) => p.Class == digits[i].Label).ToArray();
        var cloudCorrect = cloud.Select((p, i) => p.Class == digits[i].Label).ToArray();
        var agreement = edge.Select((p, i) => (p.Score, p.Class == cloud[i].Class)).ToList();
        return (new ScoreDistribution(scores, edgeCorrect, cloudCorrect), agreement);
    }

    private static List<(int Class, double Score)> Predict(string name)
    {
        var manifest = QuantizeBench.ReadManifest(name);
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(RepoPaths.Model(manifest.File), options);
        var result = new List<(int, double)>();
        var probabilities = new float[manifest.Labels.Length];
        var preprocessor = new Preprocessor(manifest.Input);
        foreach (var digit in HeldOut.Digits)
        {
            // The agent's own tensor preprocessing, so the scores are the ones it would compute.
            var input = new float[preprocessor.Length];
            preprocessor.FromTensor([8, 8], digit.Pixels, input);
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 1, 8, 8]);
            using var outputs = session.Run(new RunOptions(), [session.InputNames[0]], [value], [session.OutputNames[0]]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var score = Scoring.Score(logits, manifest.Temperature, ScoreFunction.MaxProbability, probabilities);
            result.Add((score.ClassIndex, score.Score));
        }

        return result;
    }
}
