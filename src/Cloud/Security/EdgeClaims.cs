namespace Edge.Cloud.Security;

using System.Security.Claims;
using Edge.Shared.Security;

/// <summary>The claims the token handler issues, and what endpoints read back from the principal.</summary>
internal static class EdgeClaims
{
    /// <summary>The device a device credential belongs to.</summary>
    public const string Device = "edge:device";

    public const string TokenId = "edge:token";

    /// <summary>Who did it, for the audit log: the token's name (never what a request body claims).</summary>
    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>The device id of a device credential; null for an operator token.</summary>
    public static string? DeviceOf(ClaimsPrincipal user) =>
        user.IsInRole(EdgeRoles.Device) ? user.FindFirst(Device)?.Value : null;

    /// <summary>
    /// A device may only speak for itself: false when a device credential names another device. Operators may name any
    /// (they run the cloud's model for someone else, e.g. a test bench).
    /// </summary>
    public static bool MaySpeakFor(ClaimsPrincipal user, string? deviceId) =>
        DeviceOf(user) is not { } own || deviceId is null || string.Equals(own, deviceId, StringComparison.Ordinal);
}
