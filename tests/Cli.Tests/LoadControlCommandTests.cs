namespace Edge.Cli.Tests;

using System.Net;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;
using Xunit;

/// <summary><c>edge curve</c>, <c>edge controller …</c> and <c>edge thresholds bounds …</c> against the real cloud.</summary>
public sealed class LoadControlCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bounds_set_then_get_round_trips_and_the_cloud_refusal_of_bounds_excluding_the_threshold_is_shown()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        var url = cloud.Url.ToString();

        var (setCode, set) = await CliRunner.RunAsync("thresholds", "bounds", "set", "group", "line-9", "--min", "0.6", "--max", "0.95", "--by", "tester", "--cloud", url);
        Assert.True(setCode == 0, set);
        var (getCode, get) = await CliRunner.RunAsync("thresholds", "bounds", "get", "group", "line-9", "--cloud", url);
        Assert.True(getCode == 0, get);
        Assert.Matches(@"group\s*│\s*line-9\s*│\s*0\.6\s*│\s*0\.95\s*│.*test-admin", get);
        var (allCode, all) = await CliRunner.RunAsync("thresholds", "bounds", "get", "--cloud", url);
        Assert.True(allCode == 0, all);
        Assert.Contains("line-9", all, StringComparison.Ordinal);

        var (missingCode, missing) = await CliRunner.RunAsync("thresholds", "bounds", "get", "device", "cam-x", "--cloud", url);
        Assert.Equal(1, missingCode);
        Assert.Contains("no bounds are stored for device 'cam-x'", missing, StringComparison.Ordinal);

        var (thresholdCode, threshold) = await CliRunner.RunAsync("thresholds", "set", "--group", "line-9", "0.9", "--cloud", url);
        Assert.True(thresholdCode == 0, threshold);
        var (refusedCode, refused) = await CliRunner.RunAsync("thresholds", "bounds", "set", "group", "line-9", "--min", "0.92", "--max", "0.95", "--cloud", url);
        Assert.Equal(1, refusedCode);
        Assert.Contains("400", refused, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--min 0.9 --max 0.6", "--min 0.9 is greater than --max 0.6")]
    [InlineData("--min NaN --max 0.6", "--min must be a number, not 'NaN'")]
    [InlineData("--min 0.1 --max 3", "--max 3 is outside [0, 2]")]
    public async Task Bad_bounds_are_refused_before_any_request(string options, string message)
    {
        // No cloud runs at this address: an error naming the input proves nothing was sent.
        var (code, output) = await CliRunner.RunAsync(["thresholds", "bounds", "set", "group", "line-1", .. options.Split(' '), "--cloud", "http://127.0.0.1:1"]);

        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("thresholds bounds set planet x --min 0 --max 1", "unknown scope 'planet'")]
    [InlineData("thresholds bounds set group --min 0 --max 1", "give the group's name")]
    [InlineData("thresholds bounds set fleet extra --min 0 --max 1", "the fleet scope takes no target")]
    [InlineData("controller target NaN", "must be a number, not 'NaN'")]
    [InlineData("controller target 0", "is outside (0,")]
    [InlineData("curve bad/name", "group 'bad/name' may only contain")]
    [InlineData("controller disable --group bad/name", "group 'bad/name' may only contain")]
    public async Task Bad_input_to_load_control_commands_gets_a_usage_error_naming_it(string args, string message)
    {
        var (code, output) = await CliRunner.RunAsync([.. args.Split(' '), "--cloud", "http://127.0.0.1:1"]);

        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curve_prints_the_table_and_chart_for_a_group_with_telemetry_and_controller_commands_change_the_status()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        var url = cloud.Url.ToString();
        await using var fleet = await FleetSimulator.StartAsync(cloud.MqttPort, [("cli-curve", 3, 4.0)], Ct);
        await fleet.PublishWindowAsync(10, Ct);
        await WaitForTelemetryAsync(cloud, "cli-curve");

        var (curveCode, curve) = await CliRunner.RunAsync("curve", "cli-curve", "--step", "0.1", "--cloud", url);
        Assert.True(curveCode == 0, curve);
        Assert.Contains("group cli-curve: 12 req/s", curve, StringComparison.Ordinal);
        Assert.Matches(@"0\.90\s*│\s*\d+\.\d %\s*│\s*-\s*│", curve);
        Assert.Contains("####", curve, StringComparison.Ordinal);
        Assert.Contains("no labelled samples yet", curve, StringComparison.Ordinal);

        var (unknownCode, unknown) = await CliRunner.RunAsync("curve", "cli-nobody", "--cloud", url);
        Assert.Equal(1, unknownCode);
        Assert.Contains("unknown group 'cli-nobody'", unknown, StringComparison.Ordinal);

        var (targetCode, target) = await CliRunner.RunAsync("controller", "target", "7.5", "--cloud", url);
        Assert.True(targetCode == 0, target);
        Assert.Contains("controller disabled, target 7.5 req/s", target, StringComparison.Ordinal);
        var (enableCode, enable) = await CliRunner.RunAsync("controller", "enable", "--cloud", url);
        Assert.True(enableCode == 0, enable);
        Assert.Contains("controller enabled, target 7.5 req/s", enable, StringComparison.Ordinal);
        var (disableCode, disable) = await CliRunner.RunAsync("controller", "disable", "--group", "cli-nobody", "--cloud", url);
        Assert.Equal(1, disableCode);
        Assert.Contains("unknown group 'cli-nobody'", disable, StringComparison.Ordinal);
        var (statusCode, status) = await CliRunner.RunAsync("controller", "status", "--cloud", url);
        Assert.True(statusCode == 0, status);
        Assert.Contains("controller enabled", status, StringComparison.Ordinal);
    }

    /// <summary>The cloud stores telemetry off the MQTT receive path, and only its API says when: poll it.</summary>
    private static async Task WaitForTelemetryAsync(RealCloud cloud, string group)
    {
        using var http = TestCredentials.Client(cloud.Url);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await http.GetAsync($"/v1/telemetry/groups/{group}", Ct)).StatusCode == HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no telemetry for {group}");
            await Task.Delay(20, Ct);
        }
    }
}
