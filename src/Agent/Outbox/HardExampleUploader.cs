namespace Edge.Agent.Outbox;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>POST /v1/hard-examples</c> on its own client, outside the inference pipeline: the drain has its own
/// backoff, and an upload must not count towards the breaker that protects the request path.
/// </summary>
internal sealed partial class HardExampleUploader(IHttpClientFactory httpClients, IOptions<AgentOptions> agent, ILogger<HardExampleUploader> logger)
{
    public const string ClientName = "outbox";

    public async Task<UploadResult> UploadAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var upload = new HardExampleUpload
        {
            DeviceId = agent.Value.DeviceId,
            Items = [.. entries.Select(e => new HardExampleItem
            {
                Id = e.Id,
                CreatedAt = e.CreatedAt,
                ContentType = e.ContentType,
                Payload = e.Payload,
                LocalLabel = e.LocalLabel,
                LocalScore = e.Score,
                Reason = e.Reason,
            })],
        };
        try
        {
            using var response = await httpClients.CreateClient(ClientName)
                .PostAsJsonAsync("v1/hard-examples", upload, EdgeJsonContext.Default.HardExampleUpload, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var ack = await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.HardExampleAck, cancellationToken);
                return ack is null ? UploadResult.Retry : UploadResult.Acked([.. ack.Accepted, .. ack.Duplicates]);
            }

            var status = (int)response.StatusCode;
            UploadRefused(logger, status, entries.Count);

            // The cloud's verdict on the batch itself; anything else (5xx, 429, 404 from an older cloud, 408) may pass.
            // 401 and 403 are about the credential, not the samples: a rotated secret or an auth proxy must not wipe
            // the backlog, so they are retried like an outage.
            var permanent = status is >= 400 and < 500
                && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.NotFound
                    or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
            return permanent ? UploadResult.Rejected : UploadResult.Retry;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            UploadFailed(logger, e.Message);
            return UploadResult.Retry;
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Outbox upload failed: {Reason}")]
    private static partial void UploadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "The cloud answered {Status} to an outbox upload of {Count} entries")]
    private static partial void UploadRefused(ILogger logger, int status, int count);
}

/// <summary>Acked: delete these ids. Retry: keep everything, back off. Rejected: the cloud refuses this batch for good.</summary>
internal readonly record struct UploadResult(UploadOutcome Outcome, IReadOnlyList<Guid> AckedIds)
{
    public static UploadResult Retry { get; } = new(UploadOutcome.Retry, []);

    public static UploadResult Rejected { get; } = new(UploadOutcome.Rejected, []);

    public static UploadResult Acked(IReadOnlyList<Guid> ids) => new(UploadOutcome.Acked, ids);
}

internal enum UploadOutcome
{
    Acked,
    Retry,
    Rejected,
}
