namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Models;
using Edge.Shared.Config;
using Edge.Shared.Updates;

/// <summary>A validated <see cref="RolloutRequest"/>.</summary>
internal sealed record RolloutPlan(string Model, string Version, ConfigScope Scope, string? Target, double CanaryPercent, double MaxFailureShare, bool AllowRollback = false)
{
    /// <summary>The plan, or a message naming the field that is wrong.</summary>
    public static (RolloutPlan? Plan, string? Error) From(RolloutRequest request, RolloutOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Model))
        {
            return (null, "model is required: the name of a published model");
        }

        if (string.IsNullOrEmpty(request.Version))
        {
            return (null, "version is required: a published version of the model");
        }

        if (ModelNames.Validate(request.Model, request.Version) is { } nameError)
        {
            return (null, nameError);
        }

        if (request.Scope is not { } scope || !Enum.IsDefined(scope))
        {
            return (null, $"scope is required: one of {string.Join(", ", Enum.GetNames<ConfigScope>())}");
        }

        var target = string.IsNullOrEmpty(request.Target) ? null : request.Target;
        var targetError = scope switch
        {
            ConfigScope.Fleet when target is not null => "target must be left out when scope is Fleet",
            ConfigScope.Group => ConfigRules.ValidateName(target, "target (the group name)"),
            ConfigScope.Device => ConfigRules.ValidateName(target, "target (the device id)"),
            _ => null,
        };
        if (targetError is not null)
        {
            return (null, targetError);
        }

        var canary = request.CanaryPercent ?? defaults.DefaultCanaryPercent;
        if (!double.IsFinite(canary) || canary is < 0 or > 100)
        {
            return (null, "canaryPercent must be a number within [0, 100]");
        }

        var share = request.MaxFailureShare ?? defaults.DefaultMaxFailureShare;
        if (!double.IsFinite(share) || share is < 0 or > 1)
        {
            return (null, "maxFailureShare must be a number within [0, 1]");
        }

        return (new RolloutPlan(request.Model, request.Version, scope, target, canary, share, request.AllowRollback ?? false), null);
    }

    public bool Covers(ReportedConfig device) => Scope switch
    {
        ConfigScope.Fleet => true,
        ConfigScope.Group => string.Equals(device.Group, Target, StringComparison.Ordinal),
        _ => string.Equals(device.DeviceId, Target, StringComparison.Ordinal),
    };

    public static RolloutPlan Of(Rollout rollout) =>
        new(rollout.Model, rollout.Version, rollout.Scope, rollout.Target, rollout.CanaryPercent, rollout.MaxFailureShare, rollout.AllowRollback);
}
