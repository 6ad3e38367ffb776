namespace Edge.Agent;

using Edge.Agent.CloudClient;
using Microsoft.AspNetCore.Builder;

/// <summary>
/// Builds the agent exactly as <c>Program.cs</c> runs it. The demo and the integration tests use this
/// too, so they exercise the real wiring, only with different configuration.
/// </summary>
public static class AgentApplication
{
    public static WebApplication Create(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        DeviceCredentialsFile.AddTo(builder.Configuration);
        builder.WebHost.UseUrls(builder.Configuration[$"{Hosting.AgentOptions.Section}:Urls"] ?? new Hosting.AgentOptions().Urls);
        builder.AddAgentServices();
        var app = builder.Build();
        app.MapAgentEndpoints();
        return app;
    }
}
