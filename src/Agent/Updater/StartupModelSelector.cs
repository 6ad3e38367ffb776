namespace Edge.Agent.Updater;

using System.Text.Json;
using Edge.Agent.Serving;
using Edge.Inference;
using Edge.Shared.Serialization;
using Microsoft.Extensions.Options;

/// <summary>
/// Picks the model to serve at start (docs/updates.md): the version <c>current.json</c> names, else its previous one,
/// else the factory model (<c>Inference:Manifest</c>). An installed version loads only after its signed package
/// verifies against today's trusted keys; the loader then checks the file's hash on the bytes it loads.
/// </summary>
internal sealed class StartupModelSelector(
    InstalledModels installed,
    CurrentModelFile current,
    InterruptedTrials trials,
    IOptions<ServingOptions> inference,
    ILogger<StartupModelSelector> logger)
{
    public OnnxModel Load()
    {
        foreach (var leftover in installed.DeleteLeftovers())
        {
            logger.LeftoverDeleted(leftover);
        }

        var options = inference.Value;
        var factoryPath = options.ResolvedManifestPath();
        var choice = current.Read(out var problem);
        if (problem is not null)
        {
            logger.InstalledSkipped(current.Path, "-", "-", problem);
        }

        if (choice?.TrialPackage is not null)
        {
            choice = EndInterruptedTrial(choice);
        }

        if (choice is not null)
        {
            var factoryName = FactoryName(factoryPath);
            if (factoryName is not null && factoryName != choice.Name)
            {
                logger.InstalledSkipped(current.Path, choice.Name, choice.Version, $"the configured model is '{factoryName}'");
            }
            else
            {
                foreach (var version in new[] { choice.Version, choice.Previous }.OfType<string>())
                {
                    if (TryLoadInstalled(choice.Name, version, options) is { } model)
                    {
                        return model;
                    }
                }
            }
        }

        var factory = OnnxModel.Load(factoryPath, options.ToModelOptions(), logger);
        logger.ServingFactory(factory.Name, factory.Version, factory.ManifestPath, choice is null ? "no installed version is selected" : "no installed version verified");
        return factory;
    }

    /// <summary>A version whose health window never passed is not served: back to its previous one (see <see cref="InterruptedTrials"/>).</summary>
    private CurrentModel? EndInterruptedTrial(CurrentModel trial)
    {
        var givenUp = trials.Interrupted(trial, out var count);
        logger.TrialInterrupted(trial.Name, trial.Version, trial.Previous ?? "the factory model", count, givenUp);
        var fallback = trial.Previous is null ? null : new CurrentModel(trial.Name, trial.Previous, null);
        if (fallback is null)
        {
            current.Clear();
        }
        else
        {
            current.Write(fallback);
        }

        return fallback;
    }

    private OnnxModel? TryLoadInstalled(string name, string version, ServingOptions options)
    {
        var manifestPath = installed.Verify(name, version, out _, out var problem);
        if (manifestPath is null)
        {
            logger.InstalledSkipped(current.Path, name, version, problem ?? "it does not verify");
            return null;
        }

        try
        {
            var model = OnnxModel.Load(manifestPath, options.ToModelOptions(), logger);
            logger.ServingInstalled(name, version, manifestPath);
            return model;
        }
        catch (Exception e) when (e is ModelLoadException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            logger.InstalledSkipped(current.Path, name, version, e.Message);
            return null;
        }
    }

    private static string? FactoryName(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.ModelManifest)?.Name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // The factory model is broken; an installed version that verifies is then the only way to serve.
            return null;
        }
    }
}
