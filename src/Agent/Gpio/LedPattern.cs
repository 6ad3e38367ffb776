namespace Edge.Agent.Gpio;

using Edge.Agent.Hosting.Readiness;

/// <summary>
/// The LED's on/off sequence per state, in 125 ms steps (8 per second): patterns a person tells apart across a
/// factory floor without a legend — steady, a slow 1 Hz blink, a fast 4 Hz blink, and a double flash.
/// </summary>
internal static class LedPattern
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(125);

    private static readonly bool[] Online = [true, true, true, true, true, true, true, true];
    private static readonly bool[] Degraded = [true, true, true, true, false, false, false, false];
    private static readonly bool[] Updating = [true, false, true, false, true, false, true, false];
    private static readonly bool[] Fault = [true, false, true, false, false, false, false, false];

    public static bool IsOn(DeviceState state, long step) => Of(state)[(int)(step % 8)];

    public static IReadOnlyList<bool> Of(DeviceState state) => state switch
    {
        DeviceState.Online => Online,
        DeviceState.Degraded => Degraded,
        DeviceState.Updating => Updating,
        _ => Fault,
    };
}
