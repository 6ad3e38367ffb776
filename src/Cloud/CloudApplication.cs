namespace Edge.Cloud;

using Microsoft.AspNetCore.Builder;

/// <summary>Builds the cloud exactly as <c>Program.cs</c> runs it; the demo and integration tests reuse it.</summary>
public static class CloudApplication
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

        builder.WebHost.UseUrls(builder.Configuration["Cloud:Urls"] ?? "http://127.0.0.1:5000");
        builder.AddCloudServices();
        var app = builder.Build();
        app.MapCloudEndpoints();
        return app;
    }
}
