namespace Edge.Cli.Cloud;

/// <summary>A failure to tell the operator in one line: the cloud unreachable, a 4xx/5xx with its detail, a bad local file.</summary>
internal sealed class CloudException : Exception
{
    public CloudException(string message, int exitCode = 1, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public CloudException()
    {
    }

    public CloudException(string message)
        : base(message)
    {
    }

    public CloudException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ExitCode { get; } = 1;
}
