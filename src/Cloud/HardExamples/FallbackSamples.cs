namespace Edge.Cloud.HardExamples;

using System.Globalization;
using Edge.Cloud.Observability;
using Edge.Shared.Config;
using Edge.Shared.HardExamples;
using Edge.Shared.Inference;
using Microsoft.AspNetCore.Http;

/// <summary>
/// Stores the samples <c>/v1/infer</c> answers for a device's fallback call (<c>X-Edge-Purpose: fallback</c>, reason
/// <see cref="Reason"/>) or audit call (<c>audit</c>, reason <see cref="AuditReason"/>), under the device's
/// <c>X-Edge-Sample-Id</c>, labelled with the answer just computed. The outbox uploads a sample whose answer never
/// arrived under the same id, so either way it is one row (<c>INSERT OR IGNORE</c>). Audit rows are what the cloud
/// knows of the edge model's accuracy on the answers it kept local.
/// </summary>
internal sealed class FallbackSamples(HardExampleRepository repository, CloudMetrics metrics, TimeProvider time)
{
    public const string DeviceHeader = "X-Edge-Device";
    public const string PurposeHeader = "X-Edge-Purpose";
    public const string LocalLabelHeader = "X-Edge-Local-Label";
    public const string LocalScoreHeader = "X-Edge-Local-Score";
    public const string SampleIdHeader = "X-Edge-Sample-Id";

    /// <summary>The stored row's reason: the cloud answered (whether or not the answer reached the device).</summary>
    public const string Reason = "cloud-answered";

    /// <summary>The stored row's reason for an audit sample (a Local answer the device sampled), live or from its outbox.</summary>
    public const string AuditReason = "audit";

    private const int MaxTextLength = 64;

    /// <summary>
    /// The sample a fallback call describes; null when the call is not a fallback, or when its headers are malformed
    /// (counted: such a call is answered but not stored).
    /// </summary>
    public FallbackSample? Read(IHeaderDictionary headers)
    {
        string? purpose = headers[PurposeHeader];
        var reason = purpose switch
        {
            "fallback" => Reason,
            "audit" => AuditReason,
            _ => null,
        };
        if (reason is null)
        {
            return null;
        }

        if (Parse(headers, reason) is { } sample)
        {
            return sample;
        }

        metrics.InferSampleMalformed();
        return null;
    }

    /// <summary>
    /// Before the answer goes out, so a retried attempt finds the row. Throws when the store fails: the call then gets
    /// a 500 and the device keeps the sample in its outbox, rather than a 200 for a sample nobody keeps.
    /// </summary>
    public async Task StoreAsync(
        FallbackSample sample, string contentType, ReadOnlyMemory<byte> body, CloudAnswer answer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var item = new HardExampleItem
        {
            Id = sample.Id,
            CreatedAt = now,
            ContentType = contentType,
            Payload = body.ToArray(),
            LocalLabel = sample.LocalLabel,
            LocalScore = sample.LocalScore,
            Reason = sample.Reason,
        };
        var stored = await repository.InsertAsync(
            sample.DeviceId, [(item, new CloudLabel(answer.Label, answer.Score, null))], answer.Model, now, cancellationToken);
        metrics.InferSampleStored(stored.Count == 1);
    }

    private static FallbackSample? Parse(IHeaderDictionary headers, string reason)
    {
        string? device = headers[DeviceHeader];
        string? label = headers[LocalLabelHeader];
        string? score = headers[LocalScoreHeader];
        string? id = headers[SampleIdHeader];
        if (ConfigRules.ValidateName(device, DeviceHeader) is not null
            || label is not { Length: > 0 and <= MaxTextLength }
            || !double.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value)
            || !Guid.TryParseExact(id, "D", out var guid)
            || guid == Guid.Empty)
        {
            return null;
        }

        return new FallbackSample(guid, device!, label, value, reason);
    }
}

internal readonly record struct FallbackSample(Guid Id, string DeviceId, string LocalLabel, double LocalScore, string Reason);
