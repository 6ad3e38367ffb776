namespace Edge.Cloud.HardExamples;

using Edge.Cloud.Fallback;
using Edge.Inference;
using Edge.Shared.Config;

/// <summary>Labels a sample with the cloud model, through the same preprocessing as <c>/v1/infer</c>.</summary>
internal sealed class HardExampleLabeler(CloudModel model)
{
    public bool Ready => model.Model is not null;

    public string? ModelId => model.Id;

    /// <summary>The cloud's label, or the reason the model could not read the payload.</summary>
    public async ValueTask<CloudLabel> LabelAsync(string contentType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var onnx = model.Model ?? throw new InvalidOperationException("the cloud model is not loaded");
        if (!InferBody.TryGetFormat(contentType, out var format))
        {
            return new CloudLabel(null, null, $"unsupported content type '{contentType}'");
        }

        try
        {
            var prediction = await onnx.PredictAsync(PredictionInput.FromBody(format, payload), ScoreFunction.MaxProbability, cancellationToken);
            return new CloudLabel(prediction.Label, prediction.Probability, null);
        }
        catch (InvalidInputException ex)
        {
            return new CloudLabel(null, null, ex.Message);
        }
    }
}

internal readonly record struct CloudLabel(string? Label, double? Score, string? Error);
