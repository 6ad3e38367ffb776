namespace Edge.Updates;

using System.Globalization;

/// <summary>
/// Orders model versions the Semantic Versioning 2.0 way: numeric dot-separated core (missing parts count as 0), a
/// <c>-pre.release</c> sorts below the same core without one, <c>+build</c> is ignored. Used by the device's anti-rollback
/// check; a version whose core is not numeric (<c>v2</c>, <c>latest</c>) has no order and is never called lower.
/// </summary>
public static class ModelVersions
{
    /// <summary>Negative when <paramref name="a"/> is lower than <paramref name="b"/>, positive when higher; 0 when equal or not comparable.</summary>
    public static int Compare(string? a, string? b)
    {
        if (!TryParse(a, out var left, out var leftPre) || !TryParse(b, out var right, out var rightPre))
        {
            return 0;
        }

        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var c = (i < left.Length ? left[i] : 0).CompareTo(i < right.Length ? right[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return ComparePrerelease(leftPre, rightPre);
    }

    private static bool TryParse(string? version, out long[] core, out string[] prerelease)
    {
        core = [];
        prerelease = [];
        if (string.IsNullOrEmpty(version))
        {
            return false;
        }

        var text = version.Split('+', 2)[0];
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var coreText = dash < 0 ? text : text[..dash];
        prerelease = dash < 0 ? [] : text[(dash + 1)..].Split('.');
        var parts = coreText.Split('.');
        core = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) || !long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out core[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int ComparePrerelease(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            // A release is higher than any of its pre-releases.
            return b.Length.CompareTo(a.Length);
        }

        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var aNumeric = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var x);
            var bNumeric = long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y);
            var c = (aNumeric, bNumeric) switch
            {
                (true, true) => x.CompareTo(y),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (c != 0)
            {
                return Math.Sign(c);
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
