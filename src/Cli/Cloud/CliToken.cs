namespace Edge.Cli.Cloud;

using System.Text.Json;

/// <summary>
/// The operator's API token: <c>$EDGE_TOKEN</c>, else the <c>token</c> of the CLI's config file
/// (<c>$EDGE_CONFIG</c>, default <c>~/.config/edge/config.json</c>). Without one, requests go out anonymously and the
/// cloud's 401 says what to set.
/// </summary>
internal static class CliToken
{
    public const string EnvironmentVariable = "EDGE_TOKEN";

    public const string ConfigVariable = "EDGE_CONFIG";

    public static string DefaultConfigPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "edge", "config.json");

    /// <exception cref="CloudException">The config file exists but cannot be read as JSON with a string token.</exception>
    public static string? Read(Func<string, string?> environment)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } token)
        {
            return token.Trim();
        }

        var path = environment(ConfigVariable) is { Length: > 0 } configured ? configured : DefaultConfigPath();
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("token", out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw new CloudException($"{path} has no \"token\" string", ExitCodes.Usage);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CloudException($"cannot read the CLI config {path}: {e.Message}", ExitCodes.Usage, e);
        }
    }
}
