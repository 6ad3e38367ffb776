namespace Edge.Cloud.Models;

using Edge.Shared.Config;

/// <summary>Names and versions become folder and file names, so they are held to a safe alphabet (no "..", no separators).</summary>
internal static class ModelNames
{
    private const int MaxVersionLength = 64;

    public static string? Validate(string name, string version)
    {
        if (ConfigRules.ValidateName(name, "model name") is { } nameError)
        {
            return nameError;
        }

        if (name.StartsWith('.'))
        {
            return $"model name '{name}' must not start with '.'";
        }

        if (string.IsNullOrEmpty(version) || version.Length > MaxVersionLength)
        {
            return $"version must have 1 to {MaxVersionLength} characters";
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
}
