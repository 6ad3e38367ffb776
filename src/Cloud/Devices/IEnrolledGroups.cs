namespace Edge.Cloud.Devices;

/// <summary>
/// The group each enrolled device belongs to, as the operator recorded it. Telemetry and reported config carry a
/// <c>group</c> the device chose; for an enrolled device the recorded group wins, so a device cannot move itself into
/// another group's rollouts, thresholds or load control.
/// </summary>
internal interface IEnrolledGroups
{
    /// <summary>The recorded group, or null when the device is not enrolled with one (its reported group is used).</summary>
    string? GroupOf(string deviceId);
}
