namespace Edge.Shared.Security;

/// <summary>
/// What a credential may do on the cloud. Operator roles are not nested, except that every one of them may read
/// and <see cref="Admin"/> may do everything; <see cref="Device"/> is a device's own credential and is never issued
/// as an operator token.
/// </summary>
public static class EdgeRoles
{
    /// <summary>Reads everything an operator can see; changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Thresholds, bounds, the load controller.</summary>
    public const string Operator = "operator";

    /// <summary>Publishes models to the registry.</summary>
    public const string Publisher = "publisher";

    /// <summary>Creates, resumes and aborts rollouts.</summary>
    public const string Deployer = "deployer";

    /// <summary>Tokens, device credentials, the configuration epoch; and everything the others can do, a device's uploads included.</summary>
    public const string Admin = "admin";

    /// <summary>A device speaking for itself: fallback inference and its own hard examples.</summary>
    public const string Device = "device";

    /// <summary>The roles an operator token may carry.</summary>
    public static readonly IReadOnlyList<string> OperatorRoles = [Viewer, Operator, Publisher, Deployer, Admin];

    public static bool IsOperatorRole(string? role) => role is not null && OperatorRoles.Contains(role, StringComparer.Ordinal);
}
