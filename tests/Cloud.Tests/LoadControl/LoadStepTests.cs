namespace Edge.Cloud.Tests.LoadControl;

using Edge.Cloud.Tests.Support;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Xunit;

public sealed class LoadStepTests
{
    private const double Target = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_step_to_three_times_the_load_the_controller_brings_the_cloud_rate_under_target_within_four_periods_without_oscillating()
    {
        await using var h = await LoadControlHarness.StartAsync([("step-a", 5, 2.0), ("step-b", 5, 1.0)], Ct);
        var http = h.Cloud.Http;
        (await http.PutJsonAsync("/v1/thresholds/groups/step-a/bounds", """{"min":0.6,"max":0.97}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/thresholds/groups/step-a", """{"threshold":0.9}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/thresholds/groups/step-b", """{"threshold":0.9}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/controller", """{"enabled":true,"targetCloudRps":6,"maxStep":0.1,"deadBand":0.2,"pinSeconds":0}""", Ct)).EnsureSuccessStatusCode();
        await h.RunControllerAsync(Ct);

        var rates = new List<double>();
        var thresholds = new Dictionary<string, List<double>> { ["step-a"] = [], ["step-b"] = [] };
        var moves = 0;
        for (var period = 0; period < 16; period++)
        {
            if (period == 6)
            {
                h.Fleet.ScaleRate(3);
            }

            rates.Add(await h.PublishAsync(3, Ct));
            moves += await h.RunControllerAsync(Ct);
            foreach (var (group, list) in thresholds)
            {
                list.Add(h.Fleet.Devices.First(d => d.Group == group).Threshold);
            }
        }

        // EDGE_LOAD_STEP_CSV=path writes the run (docs/load-control.md); expected accuracy uses the score distribution's own curve.
        if (Environment.GetEnvironmentVariable("EDGE_LOAD_STEP_CSV") is { Length: > 0 } csv)
        {
            await File.WriteAllLinesAsync(csv, ["period,target,cloudRate,thresholdA,thresholdB", .. rates.Select((r, i) =>
                FormattableString.Invariant($"{i},{Target},{r:0.###},{thresholds["step-a"][i]:0.###},{thresholds["step-b"][i]:0.###}"))], Ct);
        }

        // Before the step the fleet settles under target; the step overshoots it; four periods later it is back under.
        Assert.True(rates[5] <= Target, $"settled rate {rates[5]:0.00}");
        Assert.True(rates[6] > Target * 1.5, $"step rate {rates[6]:0.00}");
        Assert.All(rates.Skip(10), r => Assert.True(r <= Target, $"rates after the step: {string.Join(", ", rates.Select(x => x.ToString("0.00")))}"));
        foreach (var (group, list) in thresholds)
        {
            Assert.True(SignChanges(list) <= 2, $"{group} thresholds oscillate: {string.Join(", ", list)}");
        }

        Assert.All(thresholds["step-a"], t => Assert.InRange(t, 0.6, 0.97));

        var audit = await h.Cloud.Service<AuditLog>().ReadAsync(1000, Ct);
        var controllerEntries = audit.Where(e => e.By == "controller").ToList();
        Assert.Equal(moves, controllerEntries.Count);
        Assert.All(controllerEntries, e =>
        {
            Assert.Equal(ConfigScope.Group, e.Scope);
            Assert.Contains("feed-forward", e.Reason, StringComparison.Ordinal);
            Assert.NotNull(e.From?.Threshold);
            Assert.NotNull(e.To?.Threshold);
        });
    }

    [Fact]
    public async Task A_manual_change_pins_the_group_and_a_switched_off_group_is_left_alone()
    {
        await using var h = await LoadControlHarness.StartAsync([("pin-a", 3, 5.0), ("pin-b", 3, 5.0)], Ct);
        var http = h.Cloud.Http;
        (await http.PutJsonAsync("/v1/thresholds/groups/pin-a", """{"threshold":0.95,"by":"alice"}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/thresholds/groups/pin-b", """{"threshold":0.95,"by":"bob"}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/controller", """{"enabled":true,"targetCloudRps":2,"pinSeconds":3600}""", Ct)).EnsureSuccessStatusCode();
        await h.PublishAsync(3, Ct);

        Assert.Equal(0, await h.RunControllerAsync(Ct));
        Assert.Contains("pinned by test-admin", h.Controller.Groups["pin-a"].LastAction, StringComparison.Ordinal);

        (await http.PutJsonAsync("/v1/controller", """{"pinSeconds":0}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/controller/groups/pin-b", """{"enabled":false}""", Ct)).EnsureSuccessStatusCode();
        await h.PublishAsync(3, Ct);
        Assert.Equal(1, await h.RunControllerAsync(Ct));

        Assert.True(h.Fleet.Devices.Where(d => d.Group == "pin-a").All(d => d.Threshold < 0.95));
        Assert.True(h.Fleet.Devices.Where(d => d.Group == "pin-b").All(d => d.Threshold == 0.95));
        Assert.Equal("switched off for this group", h.Controller.Groups["pin-b"].LastAction);
    }

    [Fact]
    public async Task The_controller_holds_a_group_at_its_bound()
    {
        await using var h = await LoadControlHarness.StartAsync([("bound-a", 3, 5.0)], Ct);
        var http = h.Cloud.Http;
        (await http.PutJsonAsync("/v1/thresholds/groups/bound-a/bounds", """{"min":0.85,"max":1}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/thresholds/groups/bound-a", """{"threshold":0.9}""", Ct)).EnsureSuccessStatusCode();
        (await http.PutJsonAsync("/v1/controller", """{"enabled":true,"targetCloudRps":0.5,"pinSeconds":0,"maxStep":0.2}""", Ct)).EnsureSuccessStatusCode();

        for (var i = 0; i < 4; i++)
        {
            await h.PublishAsync(3, Ct);
            await h.RunControllerAsync(Ct);
        }

        Assert.All(h.Fleet.Devices, d => Assert.Equal(0.85, d.Threshold, 9));
        Assert.Contains("held at the bound", h.Controller.Groups["bound-a"].LastAction, StringComparison.Ordinal);
    }

    private static int SignChanges(List<double> values)
    {
        var changes = 0;
        var last = 0;
        for (var i = 1; i < values.Count; i++)
        {
            var sign = Math.Sign(Math.Round(values[i] - values[i - 1], 6));
            if (sign != 0 && last != 0 && sign != last)
            {
                changes++;
            }

            last = sign != 0 ? sign : last;
        }

        return changes;
    }
}
