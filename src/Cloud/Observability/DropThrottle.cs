namespace Edge.Cloud.Observability;

/// <summary>
/// Lets a dropped-message warning through at most once per key per <see cref="Interval"/> and counts the rest, so a
/// device (or a forger cycling through invalid topics, which all share one key) cannot flood the log.
/// </summary>
internal sealed class DropThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The key every message with an invalid device id shares.</summary>
    public const string InvalidId = "(invalid device id)";

    private const int MaxTrackedKeys = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset LastLogged, int Suppressed)> _keys = new(StringComparer.Ordinal);

    /// <summary>True when this drop is to be logged; <paramref name="suppressed"/> counts the ones not logged since the last.</summary>
    public bool ShouldLog(string key, out int suppressed)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_keys.TryGetValue(key, out var entry) && now - entry.LastLogged < Interval)
            {
                _keys[key] = (entry.LastLogged, entry.Suppressed + 1);
                suppressed = 0;
                return false;
            }

            if (_keys.Count >= MaxTrackedKeys)
            {
                _keys.Clear();
            }

            suppressed = entry.Suppressed;
            _keys[key] = (now, 0);
            return true;
        }
    }

    /// <summary>The throttle key for a topic's device id: the id when valid, otherwise the one shared key.</summary>
    public static string KeyOf(string? deviceId) =>
        deviceId is not null && Edge.Shared.Config.ConfigRules.ValidateName(deviceId, "device id") is null ? deviceId : InvalidId;
}
