namespace Edge.Agent.Outbox;

using Edge.Agent.CloudClient;
using Edge.Agent.Hosting;
using Edge.Agent.Observability;
using Edge.Agent.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

internal static class OutboxRegistration
{
    /// <summary>The durable outbox; replaces the counting hard-example sink. Call before <c>AddRouting</c> or after: the sink is replaced either way.</summary>
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMinDelay <= o.RetryMaxDelay, "Outbox:RetryMinDelay must not exceed Outbox:RetryMaxDelay")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OutboxOptions>>().Value;
            var state = sp.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new OutboxStore(Path.GetFullPath(o.Path, state), o.MaxEntries, o.MaxBytes, sp.GetRequiredService<AgentMetrics>());
        });
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxWriter>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IHardExampleSink, OutboxHardExampleSink>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuditSampleSink, OutboxAuditSampleSink>());
        builder.Services.AddSingleton<HardExampleUploader>();
        builder.Services.AddHostedService<OutboxDrain>();
        builder.Services
            .AddHttpClient(HardExampleUploader.ClientName, (services, client) =>
            {
                var cloud = services.GetRequiredService<IOptions<CloudClientOptions>>().Value;
                client.BaseAddress = new Uri(cloud.BaseUrl.EndsWith('/') ? cloud.BaseUrl : cloud.BaseUrl + "/");
                client.Timeout = services.GetRequiredService<IOptions<OutboxOptions>>().Value.UploadTimeout;
                DeviceCredentialsFile.Authorize(client, cloud);

                // The fallback client sets it per request; uploads name their device in the body and here, which is
                // how the cloud finds a secret listed in Mqtt:Devices.
                client.DefaultRequestHeaders.Add(CloudInferenceClient.DeviceHeader, services.GetRequiredService<IOptions<AgentOptions>>().Value.DeviceId);
            })
            .RemoveAllLoggers();
        return builder;
    }
}
