namespace Edge.ModelTools.Data;

/// <summary>A data set that cannot be read or does not fit the model; the message names the file, line or label.</summary>
public sealed class DataSetException : Exception
{
    public DataSetException()
    {
    }

    public DataSetException(string message)
        : base(message)
    {
    }

    public DataSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
