namespace Edge.Agent.Routing;

using Edge.Agent.CloudClient;
using Edge.Agent.Observability;
using Edge.Agent.Serving;
using Edge.Inference;
using Edge.Shared.Config;
using Edge.Shared.Inference;

/// <summary>
/// The per-request decision: the local model's prediction (<see cref="OnnxModel.PredictAsync"/>) → Local when its score
/// clears the live threshold, otherwise the cloud's answer, or LocalDegraded with the local label when the
/// cloud cannot answer in time. Throws <see cref="InvalidInputException"/> for bad input only.
/// </summary>
/// <remarks>
/// A Local answer completes synchronously and allocates only the answer itself: hence <see cref="ValueTask{T}"/>,
/// no closures, and <see cref="OnnxModel.PredictAsync"/> on slots bound to the session once.
/// </remarks>
internal sealed partial class InferenceRouter(
    LocalModel local,
    LiveConfig live,
    CloudInferenceClient cloud,
    AuditSampler audit,
    IHardExampleSink hardExamples,
    AgentMetrics metrics,
    TimeProvider time,
    ILogger<InferenceRouter> logger)
{
    public async ValueTask<InferenceAnswer> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var settings = live.Current;
        var (model, prediction) = await PredictAsync(request, settings.ScoreFunction, cancellationToken);
        var run = new LocalRun(started, settings, model.Version, prediction.Label, prediction.ClassIndex, prediction.Score, prediction.Top);
        if (run.Score >= settings.Threshold)
        {
            audit.Offer(request.Body, request.ContentType, settings.AuditSampleRate, run.Label, run.Score);
            return Answer(run, Decision.Local, run.Label, run.ClassIndex);
        }

        // One id per sample: the cloud stores a sample it answers under it, and the outbox uploads a degraded one under
        // the same id, so a sample the cloud stored but whose answer was lost is still stored once.
        var now = time.GetUtcNow();
        var sampleId = Guid.CreateVersion7(now);
        var fallback = await AskCloudAsync(request, run, sampleId, cancellationToken);
        if (fallback.Answer is { } answer)
        {
            return Answer(run, Decision.Cloud, answer.Label, answer.ClassIndex, cloudLabel: answer.Label);
        }

        var reason = fallback.Failure ?? CloudFailure.Unreachable;
        // Kept (committed to the outbox) before the answer goes out: a LocalDegraded answer is a promise to deliver the sample.
        await hardExamples.OfferAsync(new HardExample(sampleId, request.Body, request.ContentType, run.Label, run.Score, reason, now), cancellationToken);
        return Answer(run, Decision.LocalDegraded, run.Label, run.ClassIndex, degradedReason: reason);
    }

    /// <summary>
    /// The served model's prediction. An update disposes the model it replaced right after the swap; a request that
    /// read the old one just before gets <see cref="ObjectDisposedException"/> and asks the new one, so no request in
    /// flight during a swap fails. Disposed with nothing newer means the agent is stopping: that propagates. Runs and
    /// failed runs are counted per model: the update health window rolls back a model whose runs fail or slow down.
    /// </summary>
    private async ValueTask<(OnnxModel Model, Prediction Prediction)> PredictAsync(
        InferenceRequest request, ScoreFunction function, CancellationToken cancellationToken)
    {
        var input = PredictionInput.FromBody(request.Format, request.Body);
        var served = local.Current;
        while (true)
        {
            try
            {
                var prediction = await served.Model.PredictAsync(input, function, cancellationToken);
                served.Stats.RecordRun(prediction.RunTime);
                return (served.Model, prediction);
            }
            catch (ObjectDisposedException) when (!ReferenceEquals(local.Current, served))
            {
                served = local.Current;
            }
            catch (Exception e) when (e is not (InvalidInputException or OperationCanceledException or ObjectDisposedException))
            {
                served.Stats.RecordError();
                throw;
            }
        }
    }

    /// <summary>
    /// The client turns every known cloud problem into a failure; anything else (a bug, an unexpected exception type)
    /// must still not fail a request the local model has answered, so it degrades too and is logged.
    /// </summary>
    private async Task<CloudResult> AskCloudAsync(InferenceRequest request, LocalRun run, Guid sampleId, CancellationToken cancellationToken)
    {
        try
        {
            return await cloud.InferAsync(
                request.Body, request.ContentType, new CloudCallContext(CloudCallContext.Fallback, run.Label, run.Score, sampleId), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CloudCallFailed(logger, e);
            return CloudResult.Failed(CloudFailure.ServerError);
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The cloud call failed unexpectedly; answering with the local label")]
    private static partial void CloudCallFailed(ILogger logger, Exception exception);

    private InferenceAnswer Answer(
        LocalRun run, Decision decision, string label, int classIndex, string? cloudLabel = null, string? degradedReason = null)
    {
        var elapsed = time.GetElapsedTime(run.Started);
        var answer = new InferenceAnswer
        {
            Label = label,
            ClassIndex = classIndex,
            Score = run.Score,
            Decision = decision,
            Threshold = run.Settings.Threshold,
            LatencyMs = elapsed.TotalMilliseconds,
            LocalLabel = run.Label,
            CloudLabel = cloudLabel,
            DegradedReason = degradedReason,
            ModelVersion = run.ModelVersion,
            Top = run.Top,
        };
        metrics.RecordAnswer(answer, elapsed.TotalSeconds);
        return answer;
    }

    /// <summary>What the local model said, and what every answer repeats from the request's start.</summary>
    private readonly record struct LocalRun(
        long Started, RoutingSettings Settings, string ModelVersion, string Label, int ClassIndex, double Score, ClassProbability[] Top);
}
