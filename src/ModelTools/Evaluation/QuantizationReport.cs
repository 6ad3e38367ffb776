namespace Edge.ModelTools.Evaluation;

using System.Globalization;
using System.Text;
using Edge.ModelTools.Quantization;

/// <summary>FP32 against INT8 on held-out data (percent), and per-layer error on calibration data.</summary>
internal sealed record QuantizationReport(
    ActivationType ActivationType,
    int HeldOutCount,
    double Fp32Top1,
    double Int8Top1,
    double Top1Agreement,
    IReadOnlyList<LayerError> Layers)
{
    /// <summary>Accuracy points lost (negative when INT8 happens to do better).</summary>
    public double Top1Drop => Fp32Top1 - Int8Top1;

    /// <summary>The layers with the lowest SQNR first.</summary>
    public IEnumerable<LayerError> WorstLayers(int count) => Layers.OrderBy(l => l.SqnrDb).Take(count);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"top-1 FP32 {Fp32Top1:F2} %, INT8 ({ActivationType}) {Int8Top1:F2} %, ");
        text.Append(CultureInfo.InvariantCulture, $"agreement {Top1Agreement:F2} % on {HeldOutCount} held-out samples");
        foreach (var layer in Layers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {layer.OpType,-6} {layer.NodeName}: rel L2 {layer.RelativeL2:F4}, SQNR {layer.SqnrDb:F1} dB");
        }

        return text.ToString();
    }
}
