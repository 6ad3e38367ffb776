namespace Edge.Cloud.Models;

using Edge.ModelTools.Calibration;

/// <summary>What the publish query asks of the pipeline (<c>?quantize=int8&amp;method=entropy&amp;exclude=N&amp;noGate=true</c>).</summary>
internal sealed record PublishOptions(bool Quantize, CalibrationMethod? Method = null, IReadOnlyList<string>? Exclude = null, bool NoGate = false)
{
    public static readonly PublishOptions AsUploaded = new(Quantize: false);

    /// <summary>The options, or a sentence saying which query value is wrong.</summary>
    public static (PublishOptions? Options, string? Error) Parse(string? quantize, string? method, string[]? exclude, string? noGate)
    {
        bool int8;
        switch (quantize?.ToUpperInvariant())
        {
            case null or "" or "NONE":
                int8 = false;
                break;
            case "INT8":
                int8 = true;
                break;
            default:
                return (null, $"quantize '{quantize}' is not supported; use 'int8' or leave it out to publish the file as uploaded");
        }

        CalibrationMethod? calibration = null;
        if (!string.IsNullOrEmpty(method))
        {
            if (!Enum.TryParse<CalibrationMethod>(method, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(method, out _))
            {
                return (null, $"method '{method}' is not a calibration method; use minmax, percentile or entropy");
            }

            calibration = parsed;
        }

        var gate = true;
        if (!string.IsNullOrEmpty(noGate))
        {
            if (!bool.TryParse(noGate, out var skip))
            {
                return (null, $"noGate '{noGate}' must be true or false");
            }

            gate = !skip;
        }

        var excluded = (exclude ?? []).SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        if (!int8 && (calibration is not null || excluded.Count > 0))
        {
            return (null, "method and exclude apply to INT8 quantization; add quantize=int8 or leave them out");
        }

        return (new PublishOptions(int8, calibration, excluded, !gate), null);
    }
}
