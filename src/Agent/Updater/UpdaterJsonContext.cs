namespace Edge.Agent.Updater;

using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Shared.Updates;

/// <summary>JSON for the updater's own state files (the wire contracts use <c>EdgeJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CurrentModel))]
[JsonSerializable(typeof(List<FailedPackage>))]
[JsonSerializable(typeof(InterruptedTrial))]
internal sealed partial class UpdaterJsonContext : JsonSerializerContext;

/// <summary><c>models/current.json</c>: the installed version to load at start, and the one to fall back to.</summary>
/// <param name="TrialPackage">Set while the version's health window runs: a start that finds it set did not see the window
/// pass, so it serves <paramref name="Previous"/> instead (<see cref="StartupModelSelector"/>).</param>
internal sealed record CurrentModel(string Name, string Version, string? Previous, string? TrialPackage = null);

/// <summary><c>models/trial.json</c>: how many starts found this package's health window unfinished.</summary>
internal sealed record InterruptedTrial(string PackageId, int Count);

/// <summary>A package that failed for a reason retrying cannot fix; the same package is not tried again.</summary>
internal sealed record FailedPackage(string PackageId, string? Version, UpdateFailure Failure, string Detail, DateTimeOffset At);
