namespace Edge.Agent.ConfigSync;

using System.Globalization;
using System.Text.Json;
using Edge.Shared.Config;
using Edge.Shared.Serialization;

/// <summary>
/// Decides what one desired-config payload does, without side effects: parse (strict numbers), validate
/// against the topic it came on, then apply only when newer than what the scope holds in the same epoch, and not
/// further ahead than <c>maxVersionJump</c> past the newest version held in that epoch (a forged
/// <c>long.MaxValue</c> would otherwise pin the scope for good). A config from another epoch is the cloud's
/// sequence starting over (or a forgery the cloud's next republish undoes) and is applied.
/// </summary>
internal static class DesiredConfigRules
{
    /// <summary>A desired config is a few hundred bytes; anything this big is a mistake, not a config.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    public static ConfigDecision Evaluate(HeldConfigs held, ConfigScope scope, string? target, ReadOnlySpan<byte> payload, long maxVersionJump = ConfigRules.DefaultMaxVersionJump)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (payload.IsEmpty)
        {
            // An empty retained message deletes the retained config: fall back to less specific scopes,
            // but keep the version so an older message cannot be replayed into the gap.
            var current = held.For(scope);
            var cleared = current is null ? null : new DesiredConfig { Version = current.Version, Epoch = current.Epoch, Scope = scope, Target = target };
            return new ConfigDecision(ConfigOutcomeKind.Cleared, held.With(scope, cleared), null, null);
        }

        if (payload.Length > MaxPayloadBytes)
        {
            return Refuse(held, null, $"desired config is larger than {MaxPayloadBytes} bytes");
        }

        DesiredConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(payload, EdgeJsonContext.Default.DesiredConfig);
        }
        catch (JsonException ex)
        {
            return Refuse(held, TryReadVersion(payload), Describe(ex));
        }

        if (config is null)
        {
            return Refuse(held, null, "desired config is null");
        }

        if (ConfigRules.Validate(config, scope, target) is { } error)
        {
            return Refuse(held, config.Version, error);
        }

        if (held.For(scope) is { } holding && !string.Equals(holding.Epoch, config.Epoch, StringComparison.Ordinal))
        {
            return new ConfigDecision(ConfigOutcomeKind.Applied, held.With(scope, config), config.Version, null);
        }

        var heldVersion = held.VersionOf(scope);
        if (config.Version <= heldVersion)
        {
            return new ConfigDecision(
                ConfigOutcomeKind.Ignored,
                held,
                config.Version,
                string.Create(CultureInfo.InvariantCulture, $"version {config.Version} is not newer than {heldVersion}"));
        }

        // The newest version of this epoch held at any scope: the cloud's sequence is global, so a scope that never
        // sent anything is still bounded by what the others have seen.
        if (held.NewestVersionIn(config.Epoch) is { } newest && config.Version - newest > maxVersionJump)
        {
            return Refuse(
                held,
                config.Version,
                string.Create(CultureInfo.InvariantCulture, $"version {config.Version} is more than {maxVersionJump} past {newest}, the newest applied in epoch {config.Epoch ?? "(none)"}; an operator can reset the epoch (POST /v1/thresholds/epoch)"));
        }

        return new ConfigDecision(ConfigOutcomeKind.Applied, held.With(scope, config), config.Version, null);
    }

    /// <summary>The serializer's type errors name CLR types; an operator needs the field and the rule.</summary>
    private static string Describe(JsonException ex) =>
        ex.Path is { Length: > 2 } path && ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"wrong type at {path}: numbers must be unquoted JSON numbers, enums one of their names"
            : $"malformed desired config: {ex.Message}";

    private static ConfigDecision Refuse(HeldConfigs held, long? version, string reason) =>
        new(ConfigOutcomeKind.Refused, held, version, reason);

    /// <summary>Best effort: the top-level "version" of a payload that failed to bind, so the report can name it.</summary>
    private static long? TryReadVersion(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("version"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The payload is broken past the point we could read; no version to report.
        }

        return null;
    }
}
