namespace Edge.Agent.ConfigSync;

using Edge.Shared.Config;
using Edge.Shared.Mqtt;

/// <summary>Which group and device this agent is: the targets its desired-config topics name.</summary>
internal sealed record ConfigTargets(string DeviceId, string Group)
{
    public string? TargetOf(ConfigScope scope) => scope switch
    {
        ConfigScope.Fleet => null,
        ConfigScope.Group => Group,
        ConfigScope.Device => DeviceId,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown scope"),
    };

    public string DesiredTopic(ConfigScope scope) => Topics.Desired(scope, TargetOf(scope));

    public string ReportedTopic => Topics.DeviceReported(DeviceId);
}
