namespace Edge.Agent.Routing;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Config;

/// <summary>
/// Local defaults for routing, in force until config sync applies a desired config (and for every field
/// no scope sets). Section <c>Routing</c>.
/// </summary>
internal sealed class RouterOptions
{
    public const string Section = "Routing";

    /// <summary>Score ≥ threshold answers locally; 0 = all local, above 1 = all cloud.</summary>
    [Range(ConfigRules.MinThreshold, ConfigRules.MaxThreshold)]
    public double DefaultThreshold { get; set; } = 0.8;

    /// <summary>Share of Local answers also sent to the cloud in the background.</summary>
    [Range(0.0, 1.0)]
    public double DefaultAuditSampleRate { get; set; }

    public ScoreFunction DefaultScoreFunction { get; set; } = ScoreFunction.MaxProbability;

    /// <summary>Audit calls in flight at once; samples beyond it go to the outbox (uploaded later), never wait.</summary>
    [Range(1, 1024)]
    public int AuditMaxConcurrency { get; set; } = 2;

    public RoutingSettings ToSettings() => new(DefaultThreshold, null, DefaultAuditSampleRate, DefaultScoreFunction);
}
