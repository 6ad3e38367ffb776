namespace Edge.Cli.Cloud;

using System.Globalization;

/// <summary>How every table writes times and numbers: invariant, so output reads the same on every machine.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset at) =>
        at == default ? "-" : at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "-";

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
