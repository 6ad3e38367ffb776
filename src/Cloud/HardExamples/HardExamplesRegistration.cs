namespace Edge.Cloud.HardExamples;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

internal static class HardExamplesRegistration
{
    public static IHostApplicationBuilder AddHardExamples(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HardExampleOptions>()
            .BindConfiguration(HardExampleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<HardExampleRepository>();
        builder.Services.AddSingleton<HardExampleLabeler>();
        builder.Services.AddSingleton<FallbackSamples>();
        return builder;
    }
}
