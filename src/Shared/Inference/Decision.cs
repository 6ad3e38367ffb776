namespace Edge.Shared.Inference;

/// <summary>Which path produced an answer. Every answer carries one.</summary>
public enum Decision
{
    /// <summary>The local model's calibrated score cleared the threshold.</summary>
    Local,

    /// <summary>The local score was below the threshold and the cloud answered.</summary>
    Cloud,

    /// <summary>The cloud was wanted but unavailable (down, breaker open, 429, deadline); the local label is returned.</summary>
    LocalDegraded,
}
