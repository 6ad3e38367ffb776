namespace Edge.ModelTools.Evaluation;

using System.Globalization;

/// <summary>Refuses an INT8 model whose held-out top-1 drop exceeds the bound, naming the weakest layers.</summary>
internal static class AccuracyGate
{
    public static void Check(QuantizationReport report, AccuracyGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.MaxTop1DropPoints))
        {
            throw new ArgumentException("MaxTop1DropPoints must be a finite number", nameof(options));
        }

        if (report.Top1Drop <= options.MaxTop1DropPoints)
        {
            return;
        }

        var worst = string.Join(", ", report.WorstLayers(3).Select(l =>
            string.Create(CultureInfo.InvariantCulture, $"{l.OpType} '{l.NodeName}' ({l.SqnrDb:F1} dB)")));
        throw new AccuracyGateException(string.Create(CultureInfo.InvariantCulture,
            $"INT8 model refused: held-out top-1 fell from {report.Fp32Top1:F2} % (FP32) to {report.Int8Top1:F2} % ({report.ActivationType}), " +
            $"a drop of {report.Top1Drop:F2} points, more than the allowed {options.MaxTop1DropPoints:F2}; lowest-SQNR layers: {worst}"), report);
    }
}
