namespace Edge.Shared.Mqtt;

using Edge.Shared.Config;

/// <summary>The versioned MQTT topic scheme (docs/protocol.md). Every topic starts with <c>edge/v1/</c>.</summary>
public static class Topics
{
    public const string Root = "edge/v1";

    public const string FleetDesired = Root + "/fleet/config/desired";

    public static string GroupDesired(string group) => $"{Root}/group/{group}/config/desired";

    public static string DeviceDesired(string deviceId) => $"{Root}/dev/{deviceId}/config/desired";

    public static string DeviceReported(string deviceId) => $"{Root}/dev/{deviceId}/config/reported";

    public static string Telemetry(string deviceId) => $"{Root}/dev/{deviceId}/telemetry";

    public static string ModelDesired(string deviceId) => $"{Root}/dev/{deviceId}/model/desired";

    /// <summary>Retained <c>ModelStatus</c>, device → cloud.</summary>
    public static string ModelStatus(string deviceId) => $"{Root}/dev/{deviceId}/model/status";

    /// <summary><c>BlockRequest</c> JSON, device → cloud.</summary>
    public static string BlockRequests(string deviceId) => $"{Root}/dev/{deviceId}/model/blocks/get";

    /// <summary><c>BlockFrame</c> binary, cloud → device.</summary>
    public static string Blocks(string deviceId) => $"{Root}/dev/{deviceId}/model/blocks";

    /// <summary>Wildcard the cloud subscribes to for every device's reported config.</summary>
    public const string AllReported = Root + "/dev/+/config/reported";

    public const string AllTelemetry = Root + "/dev/+/telemetry";

    public const string AllModelStatus = Root + "/dev/+/model/status";

    public const string AllBlockRequests = Root + "/dev/+/model/blocks/get";

    public static string Desired(ConfigScope scope, string? target) => scope switch
    {
        ConfigScope.Fleet => FleetDesired,
        ConfigScope.Group => GroupDesired(target ?? throw new ArgumentNullException(nameof(target))),
        ConfigScope.Device => DeviceDesired(target ?? throw new ArgumentNullException(nameof(target))),
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown scope"),
    };

    /// <summary>Extracts the device id from a <c>edge/v1/dev/{id}/...</c> topic, or null.</summary>
    public static string? DeviceIdOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        const string prefix = Root + "/dev/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = topic.IndexOf('/', prefix.Length);
        return end < 0 ? null : topic[prefix.Length..end];
    }
}
