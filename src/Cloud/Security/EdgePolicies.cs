namespace Edge.Cloud.Security;

using Edge.Shared.Security;
using Microsoft.AspNetCore.Authorization;

/// <summary>
/// The authorization policies every endpoint names (<c>RequireAuthorization(EdgePolicies.…)</c>). An endpoint mapped
/// without one falls to <see cref="Fallback"/>, admin only, and fails the route-table test.
/// </summary>
internal static class EdgePolicies
{
    public const string View = "view";
    public const string Operate = "operate";
    public const string Publish = "publish";
    public const string Deploy = "deploy";
    public const string Administer = "administer";
    public const string Device = "device";

    /// <summary>The cloud's model: devices falling back, and operators trying it.</summary>
    public const string Infer = "infer";

    /// <summary>Which roles each policy admits; the route-table test reads this too.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [View] = [.. EdgeRoles.OperatorRoles],
        [Operate] = [EdgeRoles.Operator, EdgeRoles.Admin],
        [Publish] = [EdgeRoles.Publisher, EdgeRoles.Admin],
        [Deploy] = [EdgeRoles.Deployer, EdgeRoles.Admin],
        [Administer] = [EdgeRoles.Admin],
        [Device] = [EdgeRoles.Device, EdgeRoles.Admin],
        [Infer] = [EdgeRoles.Device, .. EdgeRoles.OperatorRoles],
    };

    public static AuthorizationPolicy Fallback { get; } = Build([EdgeRoles.Admin]);

    public static void AddTo(AuthorizationOptions options)
    {
        foreach (var (name, roles) in Roles)
        {
            options.AddPolicy(name, Build(roles));
        }

        options.FallbackPolicy = Fallback;
    }

    private static AuthorizationPolicy Build(string[] roles) => new AuthorizationPolicyBuilder(ApiTokenHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireRole(roles)
        .Build();
}
