namespace Edge.Cloud.Models;

/// <summary>A publish refused for a reason the caller can act on; becomes a ProblemDetails with <see cref="Status"/>.</summary>
internal sealed class ModelPublishException : Exception
{
    public ModelPublishException(int status, string title, string message)
        : base(message)
    {
        Status = status;
        Title = title;
    }

    public ModelPublishException()
    {
        Title = "Publish refused";
    }

    public ModelPublishException(string message)
        : base(message)
    {
        Title = "Publish refused";
    }

    public ModelPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
        Title = "Publish refused";
    }

    public int Status { get; } = 400;

    public string Title { get; }
}
