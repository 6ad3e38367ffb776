namespace Edge.Cloud.Hosting;

using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

/// <summary>
/// Options the cloud refuses, as the one line <c>Program.cs</c> prints: the validator's own sentence ("Cloud:Tls:KeyPath
/// '...' is not the private key of ..."), without the wrapping that <c>ValidateDataAnnotations</c> adds.
/// </summary>
internal static partial class StartupFailures
{
    /// <summary>The exit code for configuration the cloud refuses (EX_CONFIG, as the agent's).</summary>
    public const int InvalidConfiguration = 78;

    public static string Describe(OptionsValidationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return string.Join("; ", e.Failures.Select(f => DataAnnotationFailure().Match(f) is { Success: true } m ? m.Groups["error"].Value : f.TrimEnd('.')));
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<error>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
