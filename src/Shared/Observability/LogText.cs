namespace Edge.Shared.Observability;

using System.Globalization;
using System.Text;

/// <summary>
/// Makes a value from the wire (an MQTT topic, a device id from a body, a parser's message) safe to put in a log line:
/// control characters are escaped (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\uXXXX</c>), so a forged topic cannot end the
/// line and start a fake one, and it is cut to a length a log can afford.
/// </summary>
public static class LogText
{
    public const int DefaultMaxLength = 256;

    public static string Escape(string? value, int maxLength = DefaultMaxLength)
    {
        if (value is null)
        {
            return "(null)";
        }

        var clean = true;
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                clean = false;
                break;
            }
        }

        if (clean && value.Length <= maxLength)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (var c in value)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            _ = c switch
            {
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ when NeedsEscape(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    // Line and paragraph separators end a line in some viewers too.
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
