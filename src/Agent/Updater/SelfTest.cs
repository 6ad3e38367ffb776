namespace Edge.Agent.Updater;

using Edge.Agent.Serving;
using Edge.Inference;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Loads an installed version in a second session, with the agent's execution providers and threads, and runs the
/// manifest's golden samples (same top-1, logits within tolerance) before it may serve.
/// </summary>
internal sealed class SelfTest(IOptions<ServingOptions> inference, ILogger<SelfTest> logger)
{
    /// <summary>The loaded, checked model; <see cref="PackageRejectedException"/> with LoadFailed or SelfTestFailed otherwise.</summary>
    public OnnxModel Run(string manifestPath, PackageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Model.Golden.Length == 0)
        {
            throw new PackageRejectedException(
                UpdateFailure.SelfTestFailed, $"{manifest.Name}@{manifest.Version} has no golden samples, so it cannot be checked before it serves");
        }

        var options = inference.Value.ToModelOptions();
        options.VerifyGolden = false;
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(manifestPath, options, logger);
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeException)
        {
            // OnnxRuntimeException: the session loaded but its warm-up run failed (a kernel missing for this provider).
            throw new PackageRejectedException(UpdateFailure.LoadFailed, e.Message, e);
        }

        try
        {
            model.VerifyGolden();
            return model;
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeException or InvalidInputException)
        {
            model.Dispose();
            throw new PackageRejectedException(UpdateFailure.SelfTestFailed, e.Message, e);
        }
    }
}
