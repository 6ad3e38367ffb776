namespace Edge.Inference;

/// <summary>A model that cannot be served: missing or corrupt manifest or file, hash mismatch, wrong shapes.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException()
    {
    }

    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
