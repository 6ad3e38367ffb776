namespace Edge.Agent.Serving;

using Edge.Inference;

/// <summary>Loads the model before the API starts listening; a model that cannot load stops the host with the reason.</summary>
internal sealed partial class ModelLoader(IServiceProvider services, ILogger<ModelLoader> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var model = services.GetRequiredService<LocalModel>();
            Ready(logger, model.ModelName, model.ModelVersion, model.ExecutionProvider);
        }
        catch (ModelLoadException e)
        {
            CannotServe(logger, e.Message);
            throw;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Serving {Model}@{Version} on {ExecutionProvider}")]
    private static partial void Ready(ILogger logger, string model, string version, string executionProvider);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "The agent cannot serve: {Reason}. Fix Inference:Manifest or the model files; the agent will not start until the model loads.")]
    private static partial void CannotServe(ILogger logger, string reason);
}
