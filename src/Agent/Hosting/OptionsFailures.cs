namespace Edge.Agent.Hosting;

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

/// <summary>
/// An options validation failure in the operator's words: the configuration key ("Inference:Slots"), not the class
/// that binds it ("ServingOptions"), which an operator never sees in appsettings.json.
/// </summary>
internal static partial class OptionsFailures
{
    public static string Describe(OptionsValidationException e)
    {
        var section = e.OptionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
            ?? e.OptionsType.Name;
        return string.Join("; ", e.Failures.Select(failure => Describe(section, failure)));
    }

    private static string Describe(string section, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            // Custom validators mostly name their keys already ("Outbox:RetryMinDelay must not exceed ...").
            return failure.StartsWith(section + ":", StringComparison.Ordinal)
                ? failure.TrimEnd('.')
                : $"{section}: {failure.TrimEnd('.')}";
        }

        var error = match.Groups["error"].Value.TrimEnd('.');
        if (error.StartsWith(section + ":", StringComparison.Ordinal))
        {
            // A validator that names its own keys (the TLS files, "Cloud:CaCertificatePath '...' does not exist").
            return error;
        }

        var keys = match.Groups["members"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(member => $"{section}:{member}");
        return $"{string.Join(", ", keys)}: {error}";
    }

    /// <summary>The message <c>ValidateDataAnnotations</c> writes for each failed attribute.</summary>
    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
