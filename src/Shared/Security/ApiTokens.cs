namespace Edge.Shared.Security;

/// <summary>Body of <c>POST /v1/tokens</c>.</summary>
public sealed class ApiTokenRequest
{
    /// <summary>A name for the audit log and the token list (who or what holds it).</summary>
    public string? Name { get; set; }

    /// <summary>One of <see cref="EdgeRoles.OperatorRoles"/>.</summary>
    public string? Role { get; set; }
}

/// <summary>A token as the cloud lists it: never the secret, which is shown once when it is created.</summary>
public sealed class ApiTokenInfo
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Role { get; init; }

    /// <summary>Set on a device's credential.</summary>
    public string? DeviceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The answer to <c>POST /v1/tokens</c>: the only time the secret leaves the cloud.</summary>
public sealed class CreatedApiToken
{
    public required ApiTokenInfo Info { get; init; }

    /// <summary>Send as <c>Authorization: Bearer …</c>.</summary>
    public required string Token { get; init; }
}

/// <summary>Body of <c>POST /v1/devices/{id}/enroll</c>.</summary>
public sealed class DeviceEnrollRequest
{
    public string? Group { get; set; }
}

/// <summary>
/// What <c>edge devices enroll</c> writes for a device's installer: an agent configuration fragment
/// (<c>Agent:CredentialsFile</c>) that sets the device's identity and its one secret, which is both its MQTT password
/// and its bearer token for the cloud's HTTP API.
/// </summary>
public sealed class DeviceCredentials
{
    public required string DeviceId { get; init; }

    public required string Group { get; init; }

    public required string Secret { get; init; }
}
