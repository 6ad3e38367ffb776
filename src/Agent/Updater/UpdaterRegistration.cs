namespace Edge.Agent.Updater;

using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

internal static class UpdaterRegistration
{
    /// <summary>Over-the-air model updates. Also selects the installed model at start (LocalModel takes the <see cref="StartupModelSelector"/>).</summary>
    public static IHostApplicationBuilder AddUpdater(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAgentMqtt();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<UpdaterOptions>()
            .BindConfiguration(UpdaterOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<UpdateMetrics>();
        builder.Services.AddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new UpdatePaths(agent.ResolveStateDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        });
        builder.Services.AddSingleton<PackageTrust>();
        builder.Services.AddSingleton<InstalledModels>();
        builder.Services.AddSingleton<CurrentModelFile>();
        builder.Services.AddSingleton<FailedPackages>();
        builder.Services.AddSingleton<InterruptedTrials>();
        builder.Services.AddSingleton<StartupModelSelector>();
        builder.Services.AddSingleton<BlockDownloader>();
        builder.Services.AddSingleton<SelfTest>();
        builder.Services.AddSingleton<HealthWindow>();
        builder.Services.AddSingleton<UpdateStatusReporter>();
        builder.Services.AddSingleton<ModelSwitch>();
        builder.Services.AddSingleton<UpdateProcess>();
        builder.Services.AddSingleton<ModelUpdater>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelUpdater>());
        return builder;
    }
}
