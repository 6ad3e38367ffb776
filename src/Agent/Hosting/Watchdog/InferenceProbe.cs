namespace Edge.Agent.Hosting.Watchdog;

using Edge.Agent.Serving;
using Edge.Inference;
using Edge.Shared.Config;

/// <summary>
/// One real inference through the serving model: rents a slot like a request does (so a pool of stuck slots fails
/// it), runs the manifest's first golden sample (or zeros) and checks the answer. Returns null when healthy, else why not.
/// </summary>
internal sealed class InferenceProbe(LocalModel local)
{
    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var model = local.Model;
        var golden = model.Manifest.Golden.FirstOrDefault(g => g.Pixels.Length == model.Preprocessor.Length);
        var input = golden is null ? default : PredictionInput.FromTensor(golden.Pixels);
        var prediction = await model.PredictAsync(input, ScoreFunction.MaxProbability, cancellationToken);
        if (!prediction.Finite)
        {
            return $"model {model.Name}@{model.Version} produced a non-finite logit";
        }

        return golden is null || prediction.ClassIndex == golden.ExpectedTop1
            ? null
            : $"model {model.Name}@{model.Version} answered class {prediction.ClassIndex} for its golden sample, expected {golden.ExpectedTop1}";
    }
}
