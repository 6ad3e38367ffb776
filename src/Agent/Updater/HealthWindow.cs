namespace Edge.Agent.Updater;

using Edge.Agent.Serving;
using Microsoft.Extensions.Options;

/// <summary>
/// Watches a freshly swapped-in model against the one it replaced: once it has <c>HealthMinRequests</c> local runs,
/// an error rate over <c>MaxErrorRate</c> or a p99 over the latency bound breaks it at once; it passes when the window
/// has elapsed with enough runs (or ten windows without enough traffic to judge).
/// </summary>
internal sealed class HealthWindow(IOptions<UpdaterOptions> options, TimeProvider time)
{
    /// <summary>Null when the new model passed; otherwise why it must be rolled back.</summary>
    public async Task<string?> WatchAsync(LocalRunStats next, LocalRunStats previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(previous);
        var o = options.Value;
        var started = time.GetTimestamp();
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(o.HealthWindow.TotalMilliseconds / 20, 20, 1000));
        while (true)
        {
            if (Judge(next, previous, o) is { } broken)
            {
                return broken;
            }

            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= o.HealthWindow && (next.Requests >= o.HealthMinRequests || elapsed >= o.HealthWindow * 10))
            {
                return null;
            }

            await Task.Delay(tick, time, cancellationToken);
        }
    }

    /// <summary>
    /// Why the new model is unhealthy, or null. The latency bound is max(MaxLatencyRatio × the previous model's p99,
    /// MaxLatencyP99Ms): the floor keeps microsecond jitter on tiny models from rolling back. Without a previous p99
    /// measured over at least HealthMinRequests runs, only MaxLatencyP99Ms applies.
    /// </summary>
    public static string? Judge(LocalRunStats next, LocalRunStats previous, UpdaterOptions o)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(o);
        if (next.Requests < o.HealthMinRequests)
        {
            return null;
        }

        if (next.ErrorRate > o.MaxErrorRate)
        {
            return $"local inference error rate {next.ErrorRate:P1} ({next.Errors} of {next.Requests}) is over {o.MaxErrorRate:P1}";
        }

        var p99 = next.P99Milliseconds();
        var baseline = previous.Runs >= o.HealthMinRequests ? previous.P99Milliseconds() : null;
        double? bound = baseline is { } b ? Math.Max(b * o.MaxLatencyRatio, o.MaxLatencyP99Ms ?? 0) : o.MaxLatencyP99Ms;
        if (p99 is { } p && bound is { } limit && p > limit)
        {
            var why = baseline is { } b2 ? $"{o.MaxLatencyRatio}× the previous model's {b2:F3} ms" : "Updates:MaxLatencyP99Ms";
            return $"local-run p99 {p:F3} ms is over {limit:F3} ms ({why})";
        }

        return null;
    }
}
