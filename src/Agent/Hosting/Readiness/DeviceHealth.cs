namespace Edge.Agent.Hosting.Readiness;

using System.Collections.Concurrent;

/// <summary>How one part of the device is doing; <see cref="Fault"/> means it cannot do its job until fixed.</summary>
internal enum ComponentState
{
    Ok,
    Degraded,
    Fault,
}

/// <summary>One component's last report, with the reason an operator needs when it is not <see cref="ComponentState.Ok"/>.</summary>
internal sealed record ComponentHealth(string Component, ComponentState State, string? Reason, DateTimeOffset Since);

/// <summary>
/// What each part of the agent (watchdog probe, GPIO, sources) last said about itself. Parts that cannot work keep
/// the agent serving and report here instead, so the reason shows in <c>/v1/status/device</c>, on the status LED
/// and in the journal rather than as a crash loop.
/// </summary>
internal sealed class DeviceHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ComponentHealth> _components = new(StringComparer.Ordinal);

    public IReadOnlyList<ComponentHealth> Components => [.. _components.Values.OrderBy(c => c.Component, StringComparer.Ordinal)];

    /// <summary>Returns true when the state changed (callers log transitions, not every repeat).</summary>
    public bool Report(string component, ComponentState state, string? reason = null)
    {
        var changed = false;
        _components.AddOrUpdate(
            component,
            _ =>
            {
                changed = true;
                return new ComponentHealth(component, state, reason, time.GetUtcNow());
            },
            (_, old) =>
            {
                changed = old.State != state || !string.Equals(old.Reason, reason, StringComparison.Ordinal);
                return changed ? new ComponentHealth(component, state, reason, time.GetUtcNow()) : old;
            });
        return changed;
    }

    public ComponentState Worst => _components.Values.Select(c => c.State).DefaultIfEmpty(ComponentState.Ok).Max();

    public ComponentHealth? Get(string component) => _components.GetValueOrDefault(component);
}
