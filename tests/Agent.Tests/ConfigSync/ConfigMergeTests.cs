namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.ConfigSync;
using Edge.Agent.Routing;
using Edge.Shared.Config;
using Xunit;

public sealed class ConfigMergeTests
{
    private static readonly RoutingSettings Defaults = new(0.8, null, 0.0, ScoreFunction.MaxProbability);

    [Fact]
    public void Uses_local_defaults_when_no_scope_sets_anything()
    {
        var merged = ConfigMerge.Merge(Defaults, HeldConfigs.None);

        Assert.Equal(Defaults, merged);
    }

    [Fact]
    public void Device_beats_group_beats_fleet_field_by_field()
    {
        var held = new HeldConfigs(
            Fleet: Desired.Config(ConfigScope.Fleet, null, 1, threshold: 0.5, audit: 0.1, score: ScoreFunction.Entropy),
            Group: Desired.Config(ConfigScope.Group, "g", 2, threshold: 0.6, score: ScoreFunction.Margin),
            Device: Desired.Config(ConfigScope.Device, "d", 3, threshold: 0.7));

        var merged = ConfigMerge.Merge(Defaults, held);

        Assert.Equal(new RoutingSettings(0.7, ConfigScope.Device, 0.1, ScoreFunction.Margin), merged);
    }

    [Fact]
    public void A_less_specific_scope_fills_what_a_more_specific_one_leaves_unset()
    {
        var held = new HeldConfigs(
            Fleet: Desired.Config(ConfigScope.Fleet, null, 1, threshold: 0.5),
            Group: null,
            Device: Desired.Config(ConfigScope.Device, "d", 3, audit: 0.25));

        var merged = ConfigMerge.Merge(Defaults, held);

        Assert.Equal(new RoutingSettings(0.5, ConfigScope.Fleet, 0.25, ScoreFunction.MaxProbability), merged);
    }

    [Fact]
    public void A_cleared_scope_contributes_nothing()
    {
        var held = new HeldConfigs(
            Fleet: null,
            Group: Desired.Config(ConfigScope.Group, "g", 2, threshold: 0.6),
            Device: Desired.Config(ConfigScope.Device, "d", 9));

        var merged = ConfigMerge.Merge(Defaults, held);

        Assert.Equal(0.6, merged.Threshold);
        Assert.Equal(ConfigScope.Group, merged.ThresholdSource);
    }
}
