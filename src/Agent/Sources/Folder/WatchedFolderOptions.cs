namespace Edge.Agent.Sources.Folder;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Inference;

/// <summary>
/// A folder the agent answers every new frame from. Section <c>Sources:Folder</c>; off while <see cref="Path"/> is unset.
/// Writers must create a file under a hidden (<c>.x</c>) or <c>.tmp</c>/<c>.part</c> name and rename it when complete.
/// </summary>
internal sealed class WatchedFolderOptions
{
    public const string Section = "Sources:Folder";

    /// <summary>The watched folder; relative paths resolve against the state directory. It is never created, so a typo shows.</summary>
    public string? Path { get; set; }

    /// <summary>Answered files and their <c>NAME.result.json</c>; default <c>done/</c> inside the folder.</summary>
    public string? DoneDirectory { get; set; }

    /// <summary>Refused files and their <c>NAME.error.txt</c>; default <c>failed/</c> inside the folder.</summary>
    public string? FailedDirectory { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 256 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = ContentTypes.DefaultMaxBodyBytes;
}
