namespace Edge.Cloud.Security;

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Edge.Cloud.HardExamples;
using Edge.Cloud.Mqtt;
using Edge.Shared.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

/// <summary>
/// The cloud's one authentication scheme: <c>Authorization: Bearer &lt;secret&gt;</c>, where the secret is an operator
/// token (stored or from <c>Auth:Tokens</c>) or a device's own secret (enrolled, or from <c>Mqtt:Devices</c> together
/// with <c>X-Edge-Device</c>). What the principal may do is decided by the endpoints' policies, not here.
/// </summary>
internal sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenStore store,
    IOptions<CloudAuthOptions> auth,
    IOptions<CloudMqttOptions> mqtt)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "EdgeToken";

    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers[HeaderNames.Authorization];
        if (header is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            return AuthenticateResult.Fail("the Authorization header must be 'Bearer <token>'");
        }

        // Every way a secret can match compares its SHA-256: hashed once here, on the fallback path's every request.
        var hash = TokenSecret.Hash(header[BearerPrefix.Length..].Trim());
        var hashBytes = Convert.FromHexString(hash);
        var principal = FromConfiguredTokens(hashBytes)
            ?? await FromStoreAsync(hash)
            ?? FromConfiguredDevice(hashBytes);
        return principal is null
            ? AuthenticateResult.Fail("the token is unknown or revoked")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "this endpoint needs a credential: send 'Authorization: Bearer <token>' (edge tokens create, or EDGE_TOKEN for the CLI)");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden",
            $"the credential '{EdgeClaims.Actor(Context.User)}' ({RoleOf(Context.User)}) may not do this");

    private ClaimsPrincipal? FromConfiguredTokens(byte[] hash)
    {
        foreach (var (name, token) in auth.Value.Tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(token.Hash!)))
            {
                return Principal(name, token.Role!, tokenId: "config:" + name, deviceId: null);
            }
        }

        return null;
    }

    private async Task<ClaimsPrincipal?> FromStoreAsync(string hash) =>
        await store.FindByHashAsync(hash, Context.RequestAborted) is { } token
            ? Principal(token.DeviceId ?? token.Name, token.Role, token.Id, token.DeviceId)
            : null;

    private ClaimsPrincipal? FromConfiguredDevice(byte[] hash)
    {
        string? deviceId = Request.Headers[FallbackSamples.DeviceHeader];
        return deviceId is not null
            && mqtt.Value.Devices.TryGetValue(deviceId, out var configured)
            && DevicePassword.MatchesHash(configured, hash)
            ? Principal(deviceId, EdgeRoles.Device, "config:" + deviceId, deviceId)
            : null;
    }

    private static ClaimsPrincipal Principal(string name, string role, string tokenId, string? deviceId)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
            new(EdgeClaims.TokenId, tokenId),
        };
        if (deviceId is not null)
        {
            claims.Add(new Claim(EdgeClaims.Device, deviceId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    private static string RoleOf(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? "no role";

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        await Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(Context);
    }
}
