namespace Edge.Agent.ConfigSync;

using Edge.Agent.Routing;
using Edge.Shared.Config;

internal enum ConfigOutcomeKind
{
    /// <summary>A newer valid config is in force.</summary>
    Applied,

    /// <summary>The retained message was deleted: the scope no longer sets anything.</summary>
    Cleared,

    /// <summary>Not newer than the version held for the scope; nothing changed.</summary>
    Ignored,

    /// <summary>Invalid; the old value stays and the error is reported.</summary>
    Refused,
}

/// <summary>What one desired-config message does to the held configs.</summary>
/// <param name="Version">The message's version when it could be read.</param>
/// <param name="Reason">Why it was ignored or refused.</param>
internal readonly record struct ConfigDecision(ConfigOutcomeKind Kind, HeldConfigs Held, long? Version, string? Reason);

/// <summary>One processed message, as the <see cref="ConfigSyncEvents"/> hook reports it.</summary>
/// <param name="Settings">The effective settings after the message (unchanged unless applied or cleared).</param>
internal sealed record ConfigSyncOutcome(
    ConfigScope Scope,
    ConfigOutcomeKind Kind,
    long? Version,
    RoutingSettings Settings,
    string? Reason);
