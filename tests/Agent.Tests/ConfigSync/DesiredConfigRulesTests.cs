namespace Edge.Agent.Tests.ConfigSync;

using System.Text;
using Edge.Agent.ConfigSync;
using Edge.Shared.Config;
using Xunit;

public sealed class DesiredConfigRulesTests
{
    private const string Device = "dev-7";

    [Fact]
    public void Applies_a_valid_config_newer_than_the_held_one()
    {
        var decision = DesiredConfigRules.Evaluate(HeldConfigs.None, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 4, threshold: 0.55));

        Assert.Equal(ConfigOutcomeKind.Applied, decision.Kind);
        Assert.Equal(4, decision.Version);
        Assert.Equal(0.55, decision.Held.Device?.Threshold);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public void Ignores_a_version_that_is_not_newer_than_the_held_one(long version)
    {
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 5, threshold: 0.6));

        var decision = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, version, threshold: 0.1));

        Assert.Equal(ConfigOutcomeKind.Ignored, decision.Kind);
        Assert.Same(held, decision.Held);
        Assert.Equal(version, decision.Version);
    }

    [Fact]
    public void Refuses_a_version_that_jumps_far_past_the_newest_applied_in_its_epoch()
    {
        // Before: a forged long.MaxValue was applied and outranked every later change of the cloud.
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 5, threshold: 0.6, epoch: "e1"));

        var decision = DesiredConfigRules.Evaluate(
            held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, long.MaxValue, threshold: 0.01, epoch: "e1"), maxVersionJump: 1000);

        Assert.Equal(ConfigOutcomeKind.Refused, decision.Kind);
        Assert.Same(held, decision.Held);
        Assert.Contains("more than 1000 past 5", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_version_bound_also_covers_a_scope_that_never_sent_anything()
    {
        var held = HeldConfigs.None.With(ConfigScope.Fleet, Desired.Config(ConfigScope.Fleet, null, 7, threshold: 0.6, epoch: "e1"));

        var far = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 7 + 1001, threshold: 0.01, epoch: "e1"), maxVersionJump: 1000);
        var near = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 7 + 1000, threshold: 0.3, epoch: "e1"), maxVersionJump: 1000);

        Assert.Equal((ConfigOutcomeKind.Refused, ConfigOutcomeKind.Applied), (far.Kind, near.Kind));
    }

    [Theory]
    [InlineData("e2")]
    [InlineData(null)]
    public void A_config_from_another_epoch_replaces_even_a_higher_version(string? epoch)
    {
        // A forged epoch is undone the same way: the cloud's next publish carries its own epoch again.
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, long.MaxValue, threshold: 0.01, epoch: "e1"));

        var decision = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 3, threshold: 0.6, epoch: epoch));

        Assert.Equal(ConfigOutcomeKind.Applied, decision.Kind);
        Assert.Equal((3L, epoch, 0.6), (decision.Held.Device!.Version, decision.Held.Device.Epoch, decision.Held.Device.Threshold));
    }

    [Fact]
    public void Clearing_a_scope_keeps_its_epoch_with_its_version()
    {
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 5, threshold: 0.6, epoch: "e1"));

        var cleared = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, []);
        var stale = DesiredConfigRules.Evaluate(cleared.Held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 4, threshold: 0.1, epoch: "e1"));

        Assert.Equal(ConfigOutcomeKind.Ignored, stale.Kind);
    }

    [Fact]
    public void Keeps_versions_per_scope()
    {
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 50, threshold: 0.6));

        var decision = DesiredConfigRules.Evaluate(held, ConfigScope.Group, "line-1", Desired.Json(ConfigScope.Group, "line-1", 3, threshold: 0.4));

        Assert.Equal(ConfigOutcomeKind.Applied, decision.Kind);
        Assert.Equal(3, decision.Held.Group?.Version);
        Assert.Equal(50, decision.Held.Device?.Version);
    }

    [Theory]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":"0.5"}""", 2L, "wrong type at $.threshold")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":NaN}""", 2L, "malformed")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":"NaN"}""", 2L, "wrong type at $.threshold")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":5}""", 2L, "outside")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":-0.1}""", 2L, "outside")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","auditSampleRate":1.5}""", 2L, "auditSampleRate")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-8","threshold":0.5}""", 2L, "target 'dev-8'")]
    [InlineData("""{"version":2,"scope":"Group","target":"dev-7","threshold":0.5}""", 2L, "scope")]
    [InlineData("""{"version":2,"scope":7,"target":"dev-7","threshold":0.5}""", 2L, "unknown scope")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","scoreFunction":"Vibes"}""", 2L, "wrong type at $.scoreFunction")]
    [InlineData("""{"version":0,"scope":"Device","target":"dev-7","threshold":0.5}""", 0L, "positive")]
    [InlineData("""{"version":2,"scope":"Device","target":"dev-7","threshold":0.5""", 2L, "malformed")]
    [InlineData("""not json at all""", null, "malformed")]
    [InlineData("""null""", null, "null")]
    public void Refuses_invalid_config_and_keeps_the_held_one(string payload, long? version, string reasonPart)
    {
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 1, threshold: 0.7));

        var decision = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, Encoding.UTF8.GetBytes(payload));

        Assert.Equal(ConfigOutcomeKind.Refused, decision.Kind);
        Assert.Same(held, decision.Held);
        Assert.Equal(version, decision.Version);
        Assert.Contains(reasonPart, decision.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Refuses_an_oversized_payload()
    {
        var payload = new byte[DesiredConfigRules.MaxPayloadBytes + 1];
        payload.AsSpan().Fill((byte)' ');

        var decision = DesiredConfigRules.Evaluate(HeldConfigs.None, ConfigScope.Fleet, null, payload);

        Assert.Equal(ConfigOutcomeKind.Refused, decision.Kind);
        Assert.Contains("larger than", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_payload_clears_the_scope_but_keeps_its_version()
    {
        var held = HeldConfigs.None.With(ConfigScope.Device, Desired.Config(ConfigScope.Device, Device, 5, threshold: 0.6));

        var cleared = DesiredConfigRules.Evaluate(held, ConfigScope.Device, Device, []);
        var replay = DesiredConfigRules.Evaluate(cleared.Held, ConfigScope.Device, Device, Desired.Json(ConfigScope.Device, Device, 5, threshold: 0.6));

        Assert.Equal(ConfigOutcomeKind.Cleared, cleared.Kind);
        Assert.Null(cleared.Held.Device?.Threshold);
        Assert.Equal(5, cleared.Held.VersionOf(ConfigScope.Device));
        Assert.Equal(ConfigOutcomeKind.Ignored, replay.Kind);
    }

    [Fact]
    public void Scope_and_score_names_are_read_case_insensitively()
    {
        var payload = Encoding.UTF8.GetBytes($$"""{"version":3,"scope":"device","target":"{{Device}}","scoreFunction":"margin"}""");

        var decision = DesiredConfigRules.Evaluate(HeldConfigs.None, ConfigScope.Device, Device, payload);

        Assert.Equal(ConfigOutcomeKind.Applied, decision.Kind);
        Assert.Equal(ScoreFunction.Margin, decision.Held.Device?.ScoreFunction);
    }

    [Fact]
    public void Fleet_config_needs_no_target()
    {
        var decision = DesiredConfigRules.Evaluate(HeldConfigs.None, ConfigScope.Fleet, null, Desired.Json(ConfigScope.Fleet, null, 1, threshold: 0.9, score: ScoreFunction.Margin));

        Assert.Equal(ConfigOutcomeKind.Applied, decision.Kind);
        Assert.Equal(ScoreFunction.Margin, decision.Held.Fleet?.ScoreFunction);
    }
}
