namespace Edge.Agent.Telemetry;

using Edge.Agent.Observability;
using Edge.Shared.Inference;
using Edge.Shared.Telemetry;

/// <summary>
/// Cuts windows out of <see cref="AgentMetrics"/>' cumulative counters by difference, so the hot path stays a few
/// interlocked increments and nothing is reset under it. A request counted between two reads lands in exactly one window.
/// </summary>
internal sealed class TelemetryWindowCutter(AgentMetrics metrics)
{
    private readonly long[] _lastBins = new long[ScoreBins.Count];
    private long _lastLocal;
    private long _lastCloud;
    private long _lastDegraded;
    private long _lastAgreed;
    private long _lastDisagreed;

    public (long Local, long Cloud, long Degraded, long Agreed, long Disagreed, long[] Bins) Cut()
    {
        var local = metrics.Requests(Decision.Local).Value;
        var cloud = metrics.Requests(Decision.Cloud).Value;
        var degraded = metrics.Requests(Decision.LocalDegraded).Value;
        var bins = new long[ScoreBins.Count];
        for (var i = 0; i < bins.Length; i++)
        {
            var now = metrics.ScoreBin(i);
            bins[i] = now - _lastBins[i];
            _lastBins[i] = now;
        }

        var agreed = metrics.AuditAgreed.Value;
        var disagreed = metrics.AuditDisagreed.Value;
        var result = (local - _lastLocal, cloud - _lastCloud, degraded - _lastDegraded, agreed - _lastAgreed, disagreed - _lastDisagreed, bins);
        (_lastLocal, _lastCloud, _lastDegraded, _lastAgreed, _lastDisagreed) = (local, cloud, degraded, agreed, disagreed);

        // The decision counter and the bin are two increments: a request caught between them is balanced here, by
        // moving the difference into the decision counts' window, so the window always satisfies the cloud's rules.
        var requests = result.Item1 + result.Item2 + result.Item3;
        var binned = bins.Sum();
        if (binned != requests)
        {
            var fix = requests - binned;
            var top = Array.FindLastIndex(bins, b => b > 0);
            bins[top < 0 ? ScoreBins.Count - 1 : top] += fix;
            if (bins[top < 0 ? ScoreBins.Count - 1 : top] < 0)
            {
                bins[top < 0 ? ScoreBins.Count - 1 : top] = 0;
                result = (result.Item1 + (binned - requests), result.Item2, result.Item3, result.Item4, result.Item5, bins);
            }
        }

        return result;
    }
}
