namespace Edge.Agent.Hosting.Watchdog;

using Edge.Agent.Inference;
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
        using var slot = await model.RentAsync(cancellationToken);
        var golden = model.Manifest.Golden.FirstOrDefault(g => g.Pixels.Length == slot.Input.Length);
        if (golden is null)
        {
            slot.Input.Clear();
        }
        else
        {
            var p = model.Preprocessor;
            p.FromTensor([1, p.Channels, p.Height, p.Width], golden.Pixels, slot.Input);
        }

        slot.Run();
        foreach (var logit in slot.Logits)
        {
            if (!float.IsFinite(logit))
            {
                return $"model {model.Name}@{model.Version} produced a non-finite logit";
            }
        }

        var top1 = slot.Score(ScoreFunction.MaxProbability).ClassIndex;
        return golden is null || top1 == golden.ExpectedTop1
            ? null
            : $"model {model.Name}@{model.Version} answered class {top1} for its golden sample, expected {golden.ExpectedTop1}";
    }
}
