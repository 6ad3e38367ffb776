namespace Edge.Agent.Routing;

using Edge.Agent.CloudClient;
using Edge.Agent.Inference;
using Edge.Agent.Observability;
using Edge.Shared.Inference;

/// <summary>
/// The per-request decision: preprocess → run the local model → calibrated score → Local when the score
/// clears the live threshold, otherwise the cloud's answer, or LocalDegraded with the local label when the
/// cloud cannot answer in time. Throws <see cref="Edge.Inference.InvalidInputException"/> for bad input only.
/// </summary>
internal sealed class InferenceRouter(
    LocalModel local,
    LiveConfig live,
    CloudInferenceClient cloud,
    AuditSampler audit,
    IHardExampleSink hardExamples,
    AgentMetrics metrics,
    TimeProvider time)
{
    public async Task<InferenceAnswer> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var settings = live.Current;
        var model = local.Model;
        var (top1, score) = await RunLocalAsync(model, request, settings, cancellationToken);
        var localLabel = model.Label(top1);

        if (score >= settings.Threshold)
        {
            audit.Offer(request.Body, request.ContentType, settings.AuditSampleRate, localLabel, score);
            return Finish(Decision.Local, localLabel, top1, null, null);
        }

        var result = await cloud.InferAsync(
            request.Body, request.ContentType, new CloudCallContext(CloudCallContext.Fallback, localLabel, score), cancellationToken);
        if (result.Answer is { } answer)
        {
            return Finish(Decision.Cloud, answer.Label, answer.ClassIndex, answer.Label, null);
        }

        var reason = result.Failure ?? CloudFailure.Unreachable;
        hardExamples.Offer(new HardExample(request.Body, request.ContentType, localLabel, score, reason, time.GetUtcNow()));
        return Finish(Decision.LocalDegraded, localLabel, top1, null, reason);

        InferenceAnswer Finish(Decision decision, string label, int classIndex, string? cloudLabel, string? degradedReason)
        {
            var elapsed = time.GetElapsedTime(started);
            var answer = new InferenceAnswer
            {
                Label = label,
                ClassIndex = classIndex,
                Score = score,
                Decision = decision,
                Threshold = settings.Threshold,
                LatencyMs = elapsed.TotalMilliseconds,
                LocalLabel = localLabel,
                CloudLabel = cloudLabel,
                DegradedReason = degradedReason,
                ModelVersion = model.Version,
            };
            metrics.RecordAnswer(answer, elapsed.TotalSeconds);
            return answer;
        }
    }

    /// <summary>Holds a slot only for the local run, never while waiting for the cloud.</summary>
    private static async ValueTask<(int ClassIndex, double Score)> RunLocalAsync(
        Edge.Inference.OnnxModel model, InferenceRequest request, RoutingSettings settings, CancellationToken cancellationToken)
    {
        using var slot = await model.RentAsync(cancellationToken);
        if (request.Tensor is { } tensor)
        {
            model.Preprocessor.FromTensor(tensor, slot.Input);
        }
        else
        {
            model.Preprocessor.FromImage(request.Body, slot.Input);
        }

        slot.Run();
        var result = slot.Score(settings.ScoreFunction);
        return (result.ClassIndex, result.Score);
    }
}
