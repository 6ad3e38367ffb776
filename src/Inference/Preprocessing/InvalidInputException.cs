namespace Edge.Inference;

/// <summary>The caller's input cannot be fed to the model (wrong shape, NaN, corrupt image). Maps to HTTP 400.</summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException()
    {
    }

    public InvalidInputException(string message)
        : base(message)
    {
    }

    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
