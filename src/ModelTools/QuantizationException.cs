namespace Edge.ModelTools;

/// <summary>The model or the data cannot be quantized as asked; the message says what is wrong and with what.</summary>
internal sealed class QuantizationException : Exception
{
    public QuantizationException(string message)
        : base(message)
    {
    }

    public QuantizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QuantizationException()
    {
    }
}
