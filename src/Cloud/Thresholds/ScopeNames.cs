namespace Edge.Cloud.Thresholds;

using Edge.Shared.Config;

/// <summary>How scopes are spelled in the database and logs; the fleet's target is stored as the empty string.</summary>
internal static class ScopeNames
{
    public static string ToDb(ConfigScope scope) => scope switch
    {
        ConfigScope.Fleet => "fleet",
        ConfigScope.Group => "group",
        ConfigScope.Device => "device",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown scope"),
    };

    public static ConfigScope FromDb(string value) => value switch
    {
        "fleet" => ConfigScope.Fleet,
        "group" => ConfigScope.Group,
        "device" => ConfigScope.Device,
        _ => throw new InvalidDataException($"unknown scope '{value}' in the database"),
    };

    public static string TargetToDb(ConfigScope scope, string? target) => scope == ConfigScope.Fleet ? string.Empty : target ?? string.Empty;

    public static string? TargetFromDb(ConfigScope scope, string target) => scope == ConfigScope.Fleet ? null : target;
}
