namespace Edge.Cloud.Mqtt;

/// <summary>
/// What a device may touch on the embedded broker (DESIGN §3: only its own topics): read under
/// <c>edge/v1/dev/{its id}/#</c> and write the four topics it sends on there, read <c>edge/v1/fleet/#</c> and <c>edge/v1/group/+/config/desired</c>.
/// The same rules as <c>deploy/mosquitto/aclfile</c>. Device ids are validated names, never wildcards.
/// </summary>
internal static class BrokerAccess
{
    /// <summary>
    /// Only what a device sends: its reported config, telemetry, update status and block requests. Its desired config,
    /// model offer and blocks are the cloud's to write; a stolen secret could otherwise leave a forged, retained one
    /// there that outlives the secret's revocation and reaches the real device.
    /// </summary>
    public static bool CanPublish(string deviceId, string topic)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(topic);
        return topic.Split('/') is ["edge", "v1", "dev", var id, .. var rest] && id == deviceId
            && rest is ["config", "reported"] or ["telemetry"] or ["model", "status"] or ["model", "blocks", "get"];
    }

    /// <summary>
    /// True when every topic <paramref name="filter"/> can match is readable: a wildcard may only stand where
    /// the rule itself has one, so <c>edge/v1/dev/+/…</c> (every device) is refused.
    /// </summary>
    public static bool CanSubscribe(string deviceId, string filter)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(filter);

        // $share/… would read other devices' messages through a shared group; $SYS is the broker's own.
        var levels = filter.Split('/');
        return !filter.StartsWith('$') && (IsOwn(deviceId, levels) || levels is ["edge", "v1", "fleet", ..] || IsGroupDesired(levels));
    }

    private static bool IsOwn(string deviceId, string[] levels) => levels is ["edge", "v1", "dev", var id, ..] && id == deviceId;

    private static bool IsGroupDesired(string[] levels) => levels is ["edge", "v1", "group", var group, "config", "desired"] && group != "#";
}
