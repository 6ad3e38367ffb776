namespace Edge.Cloud.Security;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Security;

/// <summary>
/// Section <c>Auth</c>: where the first admin token goes, and tokens a deployment provisions from its own secret store
/// (a Kubernetes Secret, a test) instead of through <c>POST /v1/tokens</c>.
/// </summary>
internal sealed class CloudAuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>
    /// Where the cloud writes the admin token it creates on a first start (mode 0600). Null: <c>admin-token</c> next to
    /// the database file. Relative paths are relative to the content root.
    /// </summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>Name → role and SHA-256 (hex) of the token (<c>Auth__Tokens__ci__Role=deployer</c>, <c>…__Hash=…</c>).</summary>
    public Dictionary<string, ConfiguredToken> Tokens { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, token) in Tokens)
        {
            if (TokenNames.Validate(name) is { } nameError)
            {
                yield return new ValidationResult(nameError, [nameof(Tokens)]);
            }

            if (!EdgeRoles.IsOperatorRole(token.Role))
            {
                yield return new ValidationResult(
                    $"Auth:Tokens:{name}:Role must be one of {string.Join(", ", EdgeRoles.OperatorRoles)}", [nameof(Tokens)]);
            }

            if (token.Hash is not { Length: 64 } hash || !hash.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult(
                    $"Auth:Tokens:{name}:Hash must be the SHA-256 of the token as 64 hex digits (never the token itself)", [nameof(Tokens)]);
            }
        }
    }
}

internal sealed class ConfiguredToken
{
    public string? Role { get; set; }

    public string? Hash { get; set; }
}
