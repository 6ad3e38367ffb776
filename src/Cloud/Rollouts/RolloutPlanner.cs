namespace Edge.Cloud.Rollouts;

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Edge.Shared.Updates;

/// <summary>What the state machine decided after a change: the new state and why (null: no change).</summary>
internal sealed record RolloutDecision(RolloutState State, string? Reason);

/// <summary>
/// The rollout rules, free of I/O: who is a canary, and when a rollout expands, completes or halts (docs/updates.md).
/// </summary>
internal static class RolloutPlanner
{
    public const string Pending = "Pending";

    /// <summary>ceil(percent % of <paramref name="targeted"/>), at least one when there is any device.</summary>
    public static int CanaryCount(int targeted, double percent) =>
        targeted == 0 ? 0 : Math.Clamp((int)Math.Ceiling(targeted * percent / 100.0 - 1e-9), 1, targeted);

    /// <summary>The canaries: the devices with the lowest hash of their id, so the same fleet always gets the same ones.</summary>
    public static HashSet<string> PickCanaries(IReadOnlyCollection<string> deviceIds, double percent) =>
        [.. deviceIds.OrderBy(Rank).ThenBy(id => id, StringComparer.Ordinal).Take(CanaryCount(deviceIds.Count, percent))];

    public static bool IsFailure(UpdateState? state) => state is UpdateState.Failed or UpdateState.RolledBack;

    public static bool IsTerminal(UpdateState? state) => state is UpdateState.Applied || IsFailure(state);

    public static Dictionary<string, int> Count(IEnumerable<RolloutDevice> devices)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var key = device.State?.ToString() ?? Pending;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    /// <summary>
    /// The next state of an active rollout, or null. Halts when failures beyond those the operator acknowledged on resume
    /// exceed the share; in the canary phase, once every canary finished, a new failure halts and none expands.
    /// Completes once every device applied (or finished, with failures within the share).
    /// </summary>
    public static RolloutDecision? Evaluate(RolloutRecord record)
    {
        var rollout = record.Info;
        if (rollout.State is not (RolloutState.Canary or RolloutState.Expanding) || record.Devices.Length == 0)
        {
            return null;
        }

        var failed = record.Devices.Where(d => IsFailure(d.State)).ToList();
        var newFailures = failed.Count(d => !d.Acknowledged);
        var share = (double)newFailures / record.Devices.Length;
        if (newFailures > 0 && share > rollout.MaxFailureShare)
        {
            return new RolloutDecision(RolloutState.Halted, string.Create(CultureInfo.InvariantCulture,
                $"{failed.Count} of {record.Devices.Length} targeted devices failed or rolled back ({share:0.###} > maxFailureShare {rollout.MaxFailureShare:0.###}): {Describe(failed)}"));
        }

        var allDone = record.Devices.All(d => IsTerminal(d.State));
        if (rollout.State == RolloutState.Canary)
        {
            var canaries = record.Devices.Where(d => d.Phase == RolloutPhase.Canary).ToList();
            if (canaries.Count == 0 || !canaries.All(d => IsTerminal(d.State)))
            {
                return null;
            }

            if (newFailures > 0)
            {
                return new RolloutDecision(RolloutState.Halted, $"canary devices failed or rolled back: {Describe(failed)}");
            }

            return new RolloutDecision(allDone ? RolloutState.Completed : RolloutState.Expanding, null);
        }

        return allDone
            ? new RolloutDecision(RolloutState.Completed, failed.Count == 0 ? null : $"{failed.Count} devices failed or rolled back (within maxFailureShare): {Describe(failed)}")
            : null;
    }

    private static string Describe(List<RolloutDevice> failed) =>
        string.Join(", ", failed.Take(5).Select(d => $"{d.DeviceId} {d.State}{(d.Failure is { } f ? " " + f : string.Empty)}")) + (failed.Count > 5 ? ", ..." : string.Empty);

    private static ulong Rank(string deviceId) => BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(deviceId)));
}
