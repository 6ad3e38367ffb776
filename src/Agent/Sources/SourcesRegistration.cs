namespace Edge.Agent.Sources;

using Edge.Agent.Sources.Camera;
using Edge.Agent.Sources.Folder;

internal static class SourcesRegistration
{
    /// <summary>The device's own frame sources (watched folder, capture command) feeding the router like the API.</summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WatchedFolderOptions>()
            .BindConfiguration(WatchedFolderOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<CameraOptions>()
            .BindConfiguration(CameraOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SourceEvents>();
        builder.Services.AddSingleton<FramePipeline>();
        builder.Services.AddSingleton<ICaptureSource, CommandCapture>();
        builder.Services.AddHostedService<WatchedFolderService>();
        builder.Services.AddHostedService<CameraIntervalService>();
        return builder;
    }
}
