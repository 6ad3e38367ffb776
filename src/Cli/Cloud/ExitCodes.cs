namespace Edge.Cli.Cloud;

/// <summary>The process exit codes, as documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The cloud is unreachable, refused the request, or answered something this tool cannot read.</summary>
    public const int CloudError = 1;

    /// <summary>Bad arguments or a missing local file: found before any request.</summary>
    public const int Usage = 2;

    /// <summary>A watched rollout halted (too many devices failed); it waits for resume or abort.</summary>
    public const int RolloutHalted = 3;

    /// <summary>A watched rollout was aborted.</summary>
    public const int RolloutAborted = 4;
}
