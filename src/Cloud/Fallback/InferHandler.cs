namespace Edge.Cloud.Fallback;

using System.Globalization;
using Edge.Cloud.Admission;
using Edge.Cloud.HardExamples;
using Edge.Cloud.Hosting;
using Edge.Cloud.Observability;
using Edge.Cloud.Security;
using Edge.Inference;
using Edge.Inference.AspNetCore;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>POST /v1/infer</c>: the cloud model's answer for a tensor (JSON, raw units) or a PNG/JPEG image.
/// Cheap refusals come first (415, 413 by Content-Length, 503 without a model), then admission control (429 with
/// Retry-After), then the body is read under its limit (413), preprocessed (400) and run.
/// </summary>
internal sealed partial class InferHandler(
    CloudModel model,
    AdmissionGate gate,
    CloudMetrics metrics,
    FallbackSamples samples,
    IOptions<CloudInferenceOptions> options,
    IOptions<AdmissionOptions> admission,
    TimeProvider time,
    ILogger<InferHandler> logger)
{
    private readonly int _maxBodyBytes = options.Value.MaxBodyBytes;
    private readonly string _retryAfter = admission.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    public async Task HandleAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var result = await AnswerAsync(context, started);
        await result.ExecuteAsync(context);
        metrics.InferCompleted(context.Response.StatusCode, time.GetElapsedTime(started));
    }

    private async Task<IResult> AnswerAsync(HttpContext context, long started)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        if (!EdgeClaims.MaySpeakFor(context.User, request.Headers[FallbackSamples.DeviceHeader]))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"a device speaks only for itself: this credential belongs to '{EdgeClaims.DeviceOf(context.User)}', not to the device in {FallbackSamples.DeviceHeader}");
        }

        if (!InferBody.TryGetFormat(request.ContentType, out var format))
        {
            return InferProblems.UnsupportedMediaType(request.ContentType);
        }

        if (request.ContentLength > _maxBodyBytes)
        {
            return InferProblems.TooLarge(_maxBodyBytes);
        }

        if (model.Model is not { } onnx)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Model unavailable", $"the cloud model is not loaded: {model.LoadError}");
        }

        try
        {
            using var lease = await gate.EnterAsync(ct);
            if (!lease.Admitted)
            {
                context.Response.Headers.RetryAfter = _retryAfter;
                return Problems.Create(
                    StatusCodes.Status429TooManyRequests,
                    "Cloud at capacity",
                    $"{gate.Running} inferences are running and {gate.Queued} waiting (limits {gate.MaxConcurrency} and {gate.MaxQueue}); retry after {_retryAfter} s");
            }

            using var body = await RequestBody.ReadAsync(request, _maxBodyBytes, ct);
            if (body.TooLarge)
            {
                return InferProblems.TooLarge(_maxBodyBytes);
            }

            Prediction prediction;
            try
            {
                prediction = await onnx.PredictAsync(PredictionInput.FromBody(format, body.Memory), ScoreFunction.MaxProbability, ct);
            }
            catch (InvalidInputException ex)
            {
                return InferProblems.InvalidInput(ex.Message);
            }

            var answer = new CloudAnswer
            {
                Label = prediction.Label,
                ClassIndex = prediction.ClassIndex,
                Score = prediction.Probability,
                Model = model.Id!,
                LatencyMs = time.GetElapsedTime(started).TotalMilliseconds,
                Top = prediction.Top,
            };

            // A device's fallback sample is a hard example: stored (once per id) before it is answered, with this
            // answer as its label, outside the model slot. A failed store fails the call (500, the device degrades
            // and its outbox keeps the sample under the same id).
            // Storing one is the write POST /v1/hard-examples guards: a viewer trying the model stores nothing.
            if (samples.Read(request.Headers) is { } sample && EdgePolicies.Roles[EdgePolicies.Device].Any(context.User.IsInRole))
            {
                await samples.StoreAsync(sample, request.ContentType!, body.Memory, answer, ct);
            }

            return TypedResults.Json(answer, EdgeJsonContext.Default.CloudAnswer);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away; nobody reads this answer, the status only feeds the metrics.
            return TypedResults.StatusCode(499);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            return Problems.Create(StatusCodes.Status500InternalServerError, "Inference failed", "the cloud model failed on this input; see the cloud's log");
        }
    }

    [LoggerMessage(EventId = 1510, Level = LogLevel.Error, Message = "Inference failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
