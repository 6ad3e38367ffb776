namespace Edge.Cli.LoadControl;

using System.CommandLine.Parsing;
using System.Globalization;

/// <summary>
/// Parses a number argument or option and checks its range in one place, so "abc", "NaN" and out-of-range values all
/// get a message naming the input, and later validators only ever see a valid number.
/// </summary>
internal static class Numbers
{
    public static Func<ArgumentResult, double> Parser(string what, double min, double max, bool minExclusive = false) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            result.AddError($"{what} must be a number, not '{text}'");
            return 0;
        }

        if (value > max || value < min || (minExclusive && value == min))
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{what} {text} is outside {(minExclusive ? "(" : "[")}{min}, {max}]"));
        }

        return value;
    };
}
