namespace Edge.Cloud.Rollouts;

using Microsoft.AspNetCore.Http;

/// <summary>A rollout operation refused for a reason the caller can act on; becomes a ProblemDetails with <see cref="Status"/>.</summary>
internal sealed class RolloutException : Exception
{
    public RolloutException(int status, string title, string message)
        : base(message)
    {
        Status = status;
        Title = title;
    }

    public RolloutException()
    {
    }

    public RolloutException(string message)
        : base(message)
    {
    }

    public RolloutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; } = StatusCodes.Status400BadRequest;

    public string Title { get; } = "Rollout refused";

    public static RolloutException NotFound(string id) => new(StatusCodes.Status404NotFound, "Not found", $"rollout '{id}' does not exist");

    public static RolloutException Conflict(string message) => new(StatusCodes.Status409Conflict, "Conflict", message);
}
