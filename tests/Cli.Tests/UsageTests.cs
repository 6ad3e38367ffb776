namespace Edge.Cli.Tests;

using Edge.TestSupport;
using Xunit;

/// <summary>Bad arguments are refused before any request: the cloud named here is not listening, and is never called.</summary>
public sealed class UsageTests
{
    private static readonly string Nowhere = $"http://127.0.0.1:{FreePort.Next()}/";

    [Theory]
    [InlineData("--canary", "101", "--canary must be a percentage within [0, 100], not 101")]
    [InlineData("--canary", "NaN", "--canary")]
    [InlineData("--max-failure-share", "NaN", "--max-failure-share must be a share within [0, 1], not NaN")]
    [InlineData("--max-failure-share", "1.5", "--max-failure-share must be a share within [0, 1]")]
    [InlineData("--interval", "0", "--interval must be a number of seconds")]
    [InlineData("--group", "line-1", "give exactly one of --fleet, --group G, --device D")]
    public async Task Rollouts_create_refuses_bad_arguments_before_any_request(string option, string value, string expected)
    {
        var (code, output) = await CliRunner.RunAsync("rollouts", "create", "--model", "digits-edge", "--version", "2.0.0", "--device", "d1", option, value, "--cloud", Nowhere);

        Assert.Equal(2, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("edge rollouts create --help", output, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollouts_create_without_a_scope_is_refused()
    {
        var (code, output) = await CliRunner.RunAsync("rollouts", "create", "--model", "digits-edge", "--version", "2.0.0", "--cloud", Nowhere);

        Assert.Equal(2, code);
        Assert.Contains("give exactly one of --fleet, --group G, --device D", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_without_its_argument_is_refused()
    {
        var (code, output) = await CliRunner.RunAsync("rollouts", "resume", "--cloud", Nowhere);

        Assert.Equal(2, code);
        Assert.Contains("edge rollouts resume --help", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rollouts", "list")]
    [InlineData("keys", "show")]
    [InlineData("devices", "list")]
    [InlineData("groups", "list")]
    public async Task An_unreachable_cloud_is_named_with_how_to_point_at_another(string command, string verb)
    {
        var (code, output) = await CliRunner.RunAsync(command, verb, "--cloud", Nowhere);

        Assert.Equal(1, code);
        Assert.Contains($"cannot reach the cloud at {Nowhere}", output, StringComparison.Ordinal);
        Assert.Contains("--cloud URL or $EDGE_CLOUD", output, StringComparison.Ordinal);
    }
}
