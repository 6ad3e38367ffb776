namespace Edge.Cli.Cloud;

using System.CommandLine;

/// <summary><c>--cloud URL</c> on every command; default <c>$EDGE_CLOUD</c>, else the cloud's own default address.</summary>
internal static class CloudOption
{
    public const string EnvironmentVariable = "EDGE_CLOUD";

    public const string DefaultUrl = "http://127.0.0.1:5000";

    public static Option<Uri> Create() => new("--cloud")
    {
        Description = $"The cloud's base URL (default: ${EnvironmentVariable} or {DefaultUrl})",
        Recursive = true,
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env : DefaultUrl),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--cloud '{text}' is not an http(s) URL");
            return null;
        },
    };
}
