namespace Edge.Agent.Updater;

using System.Text.Json;
using Edge.Shared.Updates;

/// <summary>
/// A start that finds a version still on trial (its health window never passed: power cut, watchdog restart, or the new
/// model crashed the process) serves the previous version, and the updater installs the package again. The second
/// such start for the same package remembers it as failed (<see cref="UpdateFailure.HealthWindow"/>), so a model that
/// takes the agent down is not downloaded and swapped in forever.
/// </summary>
internal sealed class InterruptedTrials(UpdatePaths paths, FailedPackages failed, TimeProvider time)
{
    public const int MaxInterruptions = 2;

    /// <summary>Counts this interruption; true when the package has now been given up.</summary>
    public bool Interrupted(CurrentModel trial, out int count)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var package = trial.TrialPackage ?? throw new ArgumentException("not a trial", nameof(trial));
        var before = Read();
        count = before?.PackageId == package ? before.Count + 1 : 1;
        AtomicFile.Write(paths.TrialFile, JsonSerializer.SerializeToUtf8Bytes(new InterruptedTrial(package, count), UpdaterJsonContext.Default.InterruptedTrial));
        if (count < MaxInterruptions)
        {
            return false;
        }

        failed.Remember(new FailedPackage(
            package, trial.Version, UpdateFailure.HealthWindow,
            $"the agent restarted {count} times before the health window of {trial.Version} passed", time.GetUtcNow()));
        return true;
    }

    private InterruptedTrial? Read()
    {
        try
        {
            return File.Exists(paths.TrialFile)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(paths.TrialFile), UpdaterJsonContext.Default.InterruptedTrial)
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
