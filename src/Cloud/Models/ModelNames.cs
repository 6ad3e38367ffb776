namespace Edge.Cloud.Models;

using Edge.Shared.Config;

/// <summary>Names and versions become folder and file names, so they are held to a safe alphabet (no "..", no separators).</summary>
internal static class ModelNames
{
    private const int MaxVersionLength = 64;

    public static string? Validate(string name, string version)
    {
        if (ValidateName(name) is { } nameError)
        {
            return nameError;
        }

        if (string.IsNullOrEmpty(version) || version.Length > MaxVersionLength)
        {
            return $"version must have 1 to {MaxVersionLength} characters";
        }

        if (string.Equals(version, "reference", StringComparison.OrdinalIgnoreCase))
        {
            // /v1/models/{name}/reference is the name's reference set, so no version may shadow it.
            return "version 'reference' is reserved (the reference set's address); use a version like 1.2.0";
        }

        var previous = '.';
        foreach (var c in version)
        {
            var separator = c is '.' or '-' or '+' or '_';
            if (!(char.IsAsciiLetterOrDigit(c) || separator) || (separator && (previous is '.' or '-' or '+' or '_')))
            {
                return $"version '{version}' must be letters and digits separated by single '.', '-', '+' or '_' (like 1.2.0 or 2.0.0-rc1)";
            }

            previous = c;
        }

        return previous is '.' or '-' or '+' or '_' ? $"version '{version}' must not end with '{previous}'" : null;
    }

    public static string? ValidateName(string name) =>
        ConfigRules.ValidateName(name, "model name") ?? (name.StartsWith('.') ? $"model name '{name}' must not start with '.'" : null);
}
