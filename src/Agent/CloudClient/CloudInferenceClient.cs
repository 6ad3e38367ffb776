namespace Edge.Agent.CloudClient;

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Shared.Serialization;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

/// <summary>
/// Forwards the caller's original body to the cloud's <c>POST /v1/infer</c> (the cloud preprocesses for its
/// own model) through the resilience pipeline registered in <see cref="CloudClientRegistration"/>. Never
/// throws for a cloud problem: every failure becomes a <see cref="CloudResult"/> with a reason.
/// A singleton that takes a pooled client from the factory per call, so handler rotation still works.
/// </summary>
internal sealed partial class CloudInferenceClient(
    IHttpClientFactory httpClients,
    CloudThrottle throttle,
    TimeProvider time,
    IOptions<CloudClientOptions> options,
    IOptions<AgentOptions> agent,
    ILogger<CloudInferenceClient> logger)
{
    public const string DeviceHeader = "X-Edge-Device";
    public const string PurposeHeader = "X-Edge-Purpose";
    public const string LocalLabelHeader = "X-Edge-Local-Label";
    public const string LocalScoreHeader = "X-Edge-Local-Score";

    /// <summary>The fallback sample's id: the cloud stores the sample under it, the outbox uploads it under the same one.</summary>
    public const string SampleIdHeader = "X-Edge-Sample-Id";

    /// <summary>Asks the cloud. Cancellation of <paramref name="cancellationToken"/> (the caller went away) still throws.</summary>
    public async Task<CloudResult> InferAsync(ReadOnlyMemory<byte> body, string contentType, CloudCallContext context, CancellationToken cancellationToken)
    {
        if (throttle.IsThrottled)
        {
            return CloudResult.Failed(CloudFailure.Throttled);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/infer") { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type)
            ? type
            : new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.TryAddWithoutValidation(DeviceHeader, agent.Value.DeviceId);
        request.Headers.TryAddWithoutValidation(PurposeHeader, context.Purpose);
        request.Headers.TryAddWithoutValidation(LocalLabelHeader, context.LocalLabel);
        request.Headers.TryAddWithoutValidation(LocalScoreHeader, context.LocalScore.ToString("R", CultureInfo.InvariantCulture));
        if (context.SampleId != Guid.Empty)
        {
            // Set once on the message, so every retry attempt of the pipeline carries the same id.
            request.Headers.TryAddWithoutValidation(SampleIdHeader, context.SampleId.ToString("D"));
        }

        try
        {
            using var response = await httpClients.CreateClient(CloudClientRegistration.PipelineName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var now = time.GetUtcNow();
                var o = options.Value;
                var pause = CloudThrottle.PauseFor(response.Headers.RetryAfter, now, o.DefaultRetryAfter, o.MaxRetryAfter);
                if (throttle.ThrottleUntil(now + pause))
                {
                    Throttled(logger, pause.TotalSeconds);
                }

                return CloudResult.Failed(CloudFailure.Throttled);
            }

            if (!response.IsSuccessStatusCode)
            {
                CloudAnsweredStatus(logger, (int)response.StatusCode);
                return CloudResult.Failed((int)response.StatusCode >= 500 ? CloudFailure.ServerError : CloudFailure.Rejected);
            }

            var answer = await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.CloudAnswer, cancellationToken);
            return answer is { Label: not null } ? CloudResult.Ok(answer) : CloudResult.Failed(CloudFailure.BadResponse);
        }
        catch (BrokenCircuitException)
        {
            return CloudResult.Failed(CloudFailure.CircuitOpen);
        }
        catch (TimeoutRejectedException)
        {
            return CloudResult.Failed(CloudFailure.Deadline);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, the safety net behind the pipeline's own deadline.
            return CloudResult.Failed(CloudFailure.Deadline);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // IOException: the connection broke while the answer was being read, after the pipeline let it through.
            Unreachable(logger, e.Message);
            return CloudResult.Failed(CloudFailure.Unreachable);
        }
        catch (JsonException e)
        {
            BadAnswer(logger, e.Message);
            return CloudResult.Failed(CloudFailure.BadResponse);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "The cloud answered 429; not calling it for {PauseSeconds:F1} s")]
    private static partial void Throttled(ILogger logger, double pauseSeconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "The cloud answered {Status}")]
    private static partial void CloudAnsweredStatus(ILogger logger, int status);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "The cloud is unreachable: {Reason}")]
    private static partial void Unreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "The cloud's answer could not be read: {Reason}")]
    private static partial void BadAnswer(ILogger logger, string reason);
}

/// <summary>What the cloud is told about a request (headers), so it can log audits and fallbacks.</summary>
/// <param name="Purpose"><c>fallback</c> (the local score was too low) or <c>audit</c> (sampled local answer).</param>
/// <param name="SampleId">The sample's id (GUID v7) under which the cloud stores it; the outbox uploads it under the same id if the answer is lost.</param>
internal readonly record struct CloudCallContext(string Purpose, string LocalLabel, double LocalScore, Guid SampleId = default)
{
    public const string Fallback = "fallback";
    public const string Audit = "audit";
}
