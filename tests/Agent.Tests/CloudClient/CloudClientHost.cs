namespace Edge.Agent.Tests.CloudClient;

using Edge.Agent.CloudClient;
using Edge.Agent.Hosting;
using Edge.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>A host with only the agent's cloud client registered, as the agent registers it, on the given clock.</summary>
internal static class CloudClientHost
{
    public static IHost Build(string baseUrl, TimeProvider time, IReadOnlyDictionary<string, string?>? settings = null, ILoggerProvider? log = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cloud:BaseUrl"] = baseUrl,
            ["Cloud:RetryBaseDelay"] = "00:00:00",
        });

        // On the system clock a slow runner must not time out an answer the test asserts; a test can set its own.
        builder.Configuration.AddInMemoryCollection(PatientCloud.Settings);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (log is not null)
        {
            builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Trace);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddOptions<AgentOptions>();
        builder.AddCloudClient();
        return builder.Build();
    }
}
