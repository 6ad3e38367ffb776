namespace Edge.Agent.Updater;

using System.Text.RegularExpressions;

/// <summary>
/// The updater's files under the agent's state folder: downloads in <c>updates/</c>, installed versions in
/// <c>models/{name}/{version}/</c>, the choice in <c>models/current.json</c>.
/// </summary>
internal sealed partial class UpdatePaths(string stateDirectory)
{
    public const string TempSuffix = ".tmp";

    public const string StagingSuffix = ".staging";

    public string Downloads { get; } = Path.Combine(stateDirectory, "updates");

    public string Models { get; } = Path.Combine(stateDirectory, "models");

    public string CurrentFile => Path.Combine(Models, "current.json");

    public string TrialFile => Path.Combine(Models, "trial.json");

    public string FailedFile => Path.Combine(Downloads, "failed.json");

    public string PartFile(string payloadSha) => Path.Combine(Downloads, payloadSha + ".part");

    public string BitmapFile(string payloadSha) => Path.Combine(Downloads, payloadSha + ".bitmap");

    public string VersionFolder(string name, string version) => Path.Combine(Models, name, version);

    /// <summary>Names and versions become folder names: only a safe, bounded set of characters, and never "." or "..".</summary>
    public static bool IsSafeSegment(string? value) =>
        value is not null && SafeSegment().IsMatch(value) && value is not "." and not "..";

    [GeneratedRegex("^[A-Za-z0-9_.+-]{1,64}$")]
    private static partial Regex SafeSegment();
}
