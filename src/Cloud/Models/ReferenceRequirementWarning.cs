namespace Edge.Cloud.Models;

using Microsoft.Extensions.Options;

/// <summary>Says at start, once, that publishes of names without a reference set go unjudged (Models:RequireReference false).</summary>
internal sealed class ReferenceRequirementWarning(IOptions<ModelRegistryOptions> options, ILogger<ReferenceRequirementWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RequireReference)
        {
            ModelsLog.ReferenceNotRequired(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
