namespace Edge.Agent.ConfigSync;

// PLACEHOLDER: replaced by the config-sync implementation.
internal static class ConfigSyncExtensions
{
    public static IHostApplicationBuilder AddConfigSync(this IHostApplicationBuilder builder) => builder;
}
