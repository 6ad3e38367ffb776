namespace Edge.Cloud;

using Edge.Cloud.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

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

        builder.WebHost.UseUrls(builder.Configuration[$"{CloudHostOptions.Section}:{nameof(CloudHostOptions.Urls)}"] ?? new CloudHostOptions().Urls);

        // The slim builder leaves HTTPS out; Cloud:Tls supplies the certificate (CloudTls).
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.AddCloudServices();
        var app = builder.Build();

        // Unhandled exceptions become a 500 ProblemDetails instead of an empty response.
        app.UseExceptionHandler();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCloudEndpoints();
        return app;
    }
}
