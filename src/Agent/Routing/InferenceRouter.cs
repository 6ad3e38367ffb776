namespace Edge.Agent.Routing;

using Edge.Agent.CloudClient;
using Edge.Agent.Inference;
using Edge.Agent.Observability;
using Edge.Inference;
using Edge.Shared.Inference;

/// <summary>
/// The per-request decision: preprocess → run the local model → calibrated score → Local when the score
/// clears the live threshold, otherwise the cloud's answer, or LocalDegraded with the local label when the
/// cloud cannot answer in time. Throws <see cref="InvalidInputException"/> for bad input only.
/// </summary>
/// <remarks>
/// A Local answer completes synchronously and allocates only the answer itself: hence <see cref="ValueTask{T}"/>,
/// no closures, and a slot bound to the session once (<see cref="InferenceSlot.Run"/>).
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
        var (served, slot) = await RentAsync(cancellationToken);
        var model = served.Model;
        ScoreResult result;

        // The slot is held only for the local run, never while waiting for the cloud.
        using (slot)
        {
            model.Preprocessor.FromBody(request.Format, request.Body, slot.Input);
            var runStarted = time.GetTimestamp();
            try
            {
                slot.Run();
                result = slot.Score(settings.ScoreFunction);
            }
            catch
            {
                // Counted per model: the update health window rolls back a model whose runs fail.
                served.Stats.RecordError();
                throw;
            }

            served.Stats.RecordRun(time.GetElapsedTime(runStarted));
        }

        var run = new LocalRun(started, settings, model.Version, model.Label(result.ClassIndex), result.ClassIndex, result.Score);
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
    /// A slot of the model being served. An update disposes the model it replaced right after the swap; a request that
    /// read the old one just before gets <see cref="ObjectDisposedException"/> and takes a slot of the new one, so no
    /// request in flight during a swap fails. Disposed with nothing newer means the agent is stopping: that propagates.
    /// </summary>
    private async ValueTask<(ServedModel Served, InferenceSlot Slot)> RentAsync(CancellationToken cancellationToken)
    {
        var served = local.Current;
        while (true)
        {
            try
            {
                return (served, await served.Model.RentAsync(cancellationToken));
            }
            catch (ObjectDisposedException)
            {
                var now = local.Current;
                if (ReferenceEquals(now, served))
                {
                    throw;
                }

                served = now;
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
        };
        metrics.RecordAnswer(answer, elapsed.TotalSeconds);
        return answer;
    }

    /// <summary>What the local model said, and what every answer repeats from the request's start.</summary>
    private readonly record struct LocalRun(
        long Started, RoutingSettings Settings, string ModelVersion, string Label, int ClassIndex, double Score);
}
