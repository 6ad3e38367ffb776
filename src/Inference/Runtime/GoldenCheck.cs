namespace Edge.Inference;

using Edge.Shared.Config;

/// <summary>
/// Runs the manifest's golden samples (raw-unit inputs with the exporter's top-1) through this process's
/// preprocessing and session. A mismatch means the C# side feeds the model differently from training.
/// </summary>
internal static class GoldenCheck
{
    public static void Verify(OnnxModel model)
    {
        var golden = model.Manifest.Golden;
        if (golden.Length == 0)
        {
            return;
        }

        var p = model.Preprocessor;
        using var slot = model.Rent();
        for (var i = 0; i < golden.Length; i++)
        {
            var sample = golden[i];

            try
            {
                p.FromSample(sample.Pixels, slot.Input);
            }
            catch (InvalidInputException e)
            {
                throw new ModelLoadException($"golden sample {i} of '{model.ManifestPath}' does not fit the input: {e.Message}", e);
            }

            slot.Run();
            var top1 = slot.Score(ScoreFunction.MaxProbability).ClassIndex;
            if (top1 != sample.ExpectedTop1)
            {
                throw new ModelLoadException(
                    $"golden sample {i} of '{model.ManifestPath}' gives class {top1}, the manifest expects {sample.ExpectedTop1}; refusing to serve a model that answers differently from its export");
            }

            CheckLogits(model, i, sample.Logits, slot.Output);
        }
    }

    private static void CheckLogits(OnnxModel model, int index, float[] expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length == 0)
        {
            return;
        }

        for (var k = 0; k < actual.Length && k < expected.Length; k++)
        {
            // Float kernels differ between torch and ORT builds in the last bits; 1e-3 catches any real contract change.
            if (Math.Abs(actual[k] - expected[k]) > 1e-3 + (1e-4 * Math.Abs(expected[k])))
            {
                throw new ModelLoadException(
                    $"golden sample {index} of '{model.ManifestPath}': logit {k} is {actual[k]}, the manifest says {expected[k]}; preprocessing or the model differs from its export");
            }
        }
    }
}
