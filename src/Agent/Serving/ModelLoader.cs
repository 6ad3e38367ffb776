namespace Edge.Agent.Serving;

using Edge.Agent.Updater;
using Edge.Inference;
using Microsoft.Extensions.Options;

/// <summary>
/// Loads the model before the API starts listening; a model that cannot load stops the host with the reason.
/// The load itself runs wherever <see cref="LocalModel"/> is first resolved (<see cref="Create"/>), which may be another
/// hosted service's constructor, so the critical line is written there, once, whoever asked first.
/// </summary>
internal sealed partial class ModelLoader(IServiceProvider services, ILogger<ModelLoader> logger) : IHostedService
{
    private const string LoggedKey = "Edge.Agent.CannotServeLogged";

    /// <summary>The <see cref="LocalModel"/> registration: loads it, and logs event 1002 with the reason if it cannot.</summary>
    public static LocalModel Create(IServiceProvider services)
    {
        try
        {
            return new LocalModel(
                services.GetRequiredService<IOptions<ServingOptions>>(),
                services.GetRequiredService<ILogger<LocalModel>>(),
                services.GetService<StartupModelSelector>());
        }
        catch (ModelLoadException e)
        {
            LogCannotServe(services.GetRequiredService<ILogger<ModelLoader>>(), e);
            throw;
        }
    }

    /// <summary>Event 1002, once per failure however many callers see the exception.</summary>
    public static void LogCannotServe(ILogger logger, ModelLoadException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Data[LoggedKey] is not true)
        {
            e.Data[LoggedKey] = true;
            var reason = e.Message.TrimEnd('.');
            CannotServe(logger, reason);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var model = services.GetRequiredService<LocalModel>();
        Ready(logger, model.ModelName, model.ModelVersion, model.ExecutionProvider);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Serving {Model}@{Version} on {ExecutionProvider}")]
    private static partial void Ready(ILogger logger, string model, string version, string executionProvider);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "The agent cannot serve: {Reason}. Fix Inference:Manifest or the model files; the agent will not start until the model loads.")]
    private static partial void CannotServe(ILogger logger, string reason);
}
