namespace Edge.Agent.ConfigSync;

using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

internal static class ConfigSyncRegistration
{
    /// <summary>Needs the router's <c>LiveConfig</c> and <c>RouterOptions</c> (AddRouting runs first).</summary>
    public static IHostApplicationBuilder AddConfigSync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAgentMqtt();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ConfigSyncOptions>()
            .BindConfiguration(ConfigSyncOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new ConfigTargets(agent.DeviceId, agent.Group);
        });
        builder.Services.AddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            var directory = agent.ResolveStateDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new ConfigStateFile(Path.Combine(directory, ConfigStateFile.FileName), sp.GetRequiredService<ILogger<ConfigStateFile>>());
        });
        builder.Services.AddSingleton<ConfigSyncEvents>();
        builder.Services.AddSingleton<ConfigSyncService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigSyncService>());
        return builder;
    }
}
