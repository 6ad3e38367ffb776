namespace Edge.Cloud.Devices;

using Edge.Cloud.Mqtt;

internal static class DevicesRegistration
{
    public static IHostApplicationBuilder AddDevices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportedConfigStore>();
        builder.Services.AddSingleton<IMqttMessageHandler, ReportedConfigHandler>();
        return builder;
    }
}
