namespace Edge.Cloud.Security;

using Microsoft.AspNetCore.Authentication;

internal static class SecurityRegistration
{
    /// <summary>After storage: the admin token bootstrap reads the migrated database.</summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloudAuthOptions>()
            .BindConfiguration(CloudAuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiTokenStore>();
        builder.Services.AddSingleton<DeviceEnrollments>();
        builder.Services.AddSingleton<Devices.IEnrolledGroups>(sp => sp.GetRequiredService<DeviceEnrollments>());
        builder.Services.AddSingleton<AdminTokenBootstrap>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminTokenBootstrap>());
        builder.Services
            .AddAuthentication(ApiTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization(EdgePolicies.AddTo);
        return builder;
    }
}
