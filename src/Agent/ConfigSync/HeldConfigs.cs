namespace Edge.Agent.ConfigSync;

using Edge.Shared.Config;

/// <summary>
/// The last accepted desired config per scope (immutable; each accepted message makes a new one).
/// A cleared scope keeps an entry with its version and no fields, so the version high-water mark survives
/// and a stale message cannot come back.
/// </summary>
internal sealed record HeldConfigs(DesiredConfig? Fleet, DesiredConfig? Group, DesiredConfig? Device)
{
    public static HeldConfigs None { get; } = new(null, null, null);

    /// <summary>Merge order: the first scope that sets a field wins it.</summary>
    public static IReadOnlyList<ConfigScope> MostSpecificFirst { get; } = [ConfigScope.Device, ConfigScope.Group, ConfigScope.Fleet];

    public bool IsEmpty => Fleet is null && Group is null && Device is null;

    public DesiredConfig? For(ConfigScope scope) => scope switch
    {
        ConfigScope.Fleet => Fleet,
        ConfigScope.Group => Group,
        ConfigScope.Device => Device,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown scope"),
    };

    /// <summary>0 when the scope never sent anything (valid versions are positive).</summary>
    public long VersionOf(ConfigScope scope) => For(scope)?.Version ?? 0;

    /// <summary>The highest version held at any scope in <paramref name="epoch"/>; null when no scope holds that epoch.</summary>
    public long? NewestVersionIn(string? epoch)
    {
        long? newest = null;
        foreach (var config in (ReadOnlySpan<DesiredConfig?>)[Fleet, Group, Device])
        {
            if (config is not null && string.Equals(config.Epoch, epoch, StringComparison.Ordinal))
            {
                newest = Math.Max(newest ?? 0, config.Version);
            }
        }

        return newest;
    }

    public HeldConfigs With(ConfigScope scope, DesiredConfig? config) => scope switch
    {
        ConfigScope.Fleet => this with { Fleet = config },
        ConfigScope.Group => this with { Group = config },
        ConfigScope.Device => this with { Device = config },
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown scope"),
    };
}
