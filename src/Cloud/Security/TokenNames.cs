namespace Edge.Cloud.Security;

using Edge.Cloud.LoadControl;
using Edge.Shared.Config;

/// <summary>
/// A token's name is who the audit log says made a change, so it may not be one the cloud writes for itself: a token
/// named "controller" would make a manual change look like the load controller's, which it then overrides.
/// </summary>
internal static class TokenNames
{
    private static readonly string[] Reserved = [LoadController.Actor, "anonymous", "api"];

    public static string? Validate(string? name) =>
        ConfigRules.ValidateName(name, "token name")
        ?? (Reserved.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"token name '{name}' is reserved for the cloud's own changes" : null);
}
