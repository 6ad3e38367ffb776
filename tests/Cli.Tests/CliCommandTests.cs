namespace Edge.Cli.Tests;

using Edge.TestSupport;
using Xunit;

public sealed class CliCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Models_publish_with_int8_prints_both_accuracies_and_list_shows_the_version()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);

        var (code, output) = await RunAsync(
            "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", "digits-edge", "--version", "5.0.0",
            "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--quantize", "int8", "--cloud", cloud.Url.ToString());

        Assert.True(code == 0, output);
        Assert.Contains("Published digits-edge 5.0.0", output, StringComparison.Ordinal);
        Assert.Contains("92.78 %", output, StringComparison.Ordinal);
        Assert.Contains("3,084", output, StringComparison.Ordinal);
        Assert.Contains("agreement", output, StringComparison.Ordinal);

        var (listCode, list) = await RunAsync("models", "list", "--cloud", cloud.Url.ToString());
        Assert.True(listCode == 0, list);
        Assert.Contains("5.0.0", list, StringComparison.Ordinal);
        Assert.Contains("int8", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_publish_prints_the_clouds_detail_and_exits_non_zero()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        var notOnnx = Path.Combine(Path.GetTempPath(), $"edge-cli-{Guid.NewGuid():N}.onnx");
        await File.WriteAllTextAsync(notOnnx, "definitely not a model", Ct);
        try
        {
            var (code, output) = await RunAsync(
                "models", "publish", notOnnx, "--name", "digits-edge", "--version", "1.0.0",
                "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--quantize", "int8", "--cloud", cloud.Url.ToString());

            Assert.Equal(1, code);
            Assert.Contains("400", output, StringComparison.Ordinal);
            Assert.Contains("not an ONNX model", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notOnnx);
        }
    }

    [Fact]
    public async Task Thresholds_set_then_get_round_trips_through_the_cloud()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);

        var (setCode, set) = await RunAsync("thresholds", "set", "--group", "line-7", "0.85", "--by", "tester", "--cloud", cloud.Url.ToString());
        Assert.True(setCode == 0, set);

        var (getCode, get) = await RunAsync("thresholds", "get", "--group", "line-7", "--cloud", cloud.Url.ToString());
        Assert.True(getCode == 0, get);
        Assert.Contains("line-7", get, StringComparison.Ordinal);
        Assert.Contains("0.85", get, StringComparison.Ordinal);
        Assert.Contains("tester", get, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cloud_is_reported_in_one_line_with_a_non_zero_exit()
    {
        var (code, output) = await RunAsync("models", "list", "--cloud", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the cloud", output, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
