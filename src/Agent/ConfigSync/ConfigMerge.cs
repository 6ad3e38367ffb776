namespace Edge.Agent.ConfigSync;

using Edge.Agent.Routing;
using Edge.Shared.Config;

internal static class ConfigMerge
{
    /// <summary>Field by field: device, then group, then fleet, then the agent's local defaults.</summary>
    public static RoutingSettings Merge(RoutingSettings defaults, HeldConfigs held)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(held);
        var threshold = Pick(held, c => c.Threshold);
        return new RoutingSettings(
            threshold?.Value ?? defaults.Threshold,
            threshold is null ? defaults.ThresholdSource : threshold.Value.Scope,
            Pick(held, c => c.AuditSampleRate)?.Value ?? defaults.AuditSampleRate,
            Pick(held, c => c.ScoreFunction)?.Value ?? defaults.ScoreFunction);
    }

    private static (T Value, ConfigScope Scope)? Pick<T>(HeldConfigs held, Func<DesiredConfig, T?> field)
        where T : struct
    {
        foreach (var scope in HeldConfigs.MostSpecificFirst)
        {
            if (held.For(scope) is { } config && field(config) is { } value)
            {
                return (value, scope);
            }
        }

        return null;
    }
}
