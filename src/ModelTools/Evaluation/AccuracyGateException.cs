namespace Edge.ModelTools.Evaluation;

/// <summary>The INT8 model lost more held-out accuracy than allowed; it must not be published.</summary>
internal sealed class AccuracyGateException : Exception
{
    public AccuracyGateException(string message, QuantizationReport? report = null)
        : base(message)
    {
        Report = report;
    }

    public AccuracyGateException()
    {
    }

    public AccuracyGateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QuantizationReport? Report { get; }
}
