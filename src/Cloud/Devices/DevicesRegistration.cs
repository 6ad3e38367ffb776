namespace Edge.Cloud.Devices;

using Edge.Cloud.Mqtt;
using Microsoft.Extensions.DependencyInjection.Extensions;

internal static class DevicesRegistration
{
    public static IHostApplicationBuilder AddDevices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportedConfigStore>();

        // Device enrollment registers its own registry; without one the reported group stands.
        builder.Services.AddSingleton<IMqttMessageHandler, ReportedConfigHandler>();
        return builder;
    }
}
