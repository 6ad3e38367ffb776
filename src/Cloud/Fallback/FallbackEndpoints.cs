namespace Edge.Cloud.Fallback;

using Edge.Cloud.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

internal static class FallbackEndpoints
{
    /// <summary><c>POST /v1/infer</c>: the devices' hard cases, answered by the cloud model.</summary>
    public static IEndpointRouteBuilder MapFallbackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<InferHandler>();
        endpoints.MapPost("/v1/infer", handler.HandleAsync).RequireAuthorization(EdgePolicies.Infer);
        return endpoints;
    }
}
