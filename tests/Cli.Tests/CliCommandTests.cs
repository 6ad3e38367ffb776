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
        await SetReferenceAsync(cloud, "digits-edge", RepoPaths.Data("digits-heldout.json"), "0.9");

        var (code, output) = await RunAsync(
            "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", "digits-edge", "--version", "5.0.0",
            "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--quantize", "int8",
            "--calibration", RepoPaths.Data("digits-calibration.json"), "--heldout", RepoPaths.Data("digits-heldout.json"), "--cloud", cloud.Url.ToString());

        Assert.True(code == 0, output);
        Assert.Contains("Published digits-edge 5.0.0", output, StringComparison.Ordinal);
        Assert.Contains("92.78 %", output, StringComparison.Ordinal);
        Assert.Contains("3,084", output, StringComparison.Ordinal);
        Assert.Contains("agreement", output, StringComparison.Ordinal);
        Assert.Contains("reference top-1", output, StringComparison.Ordinal);
        Assert.Contains("(floor 90.00 %)", output, StringComparison.Ordinal);

        var (listCode, list) = await RunAsync("models", "list", "--cloud", cloud.Url.ToString());
        Assert.True(listCode == 0, list);
        Assert.Contains("5.0.0", list, StringComparison.Ordinal);
        Assert.Contains("int8", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_publish_prints_the_clouds_detail_and_exits_non_zero()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        await SetReferenceAsync(cloud, "digits-edge", RepoPaths.Data("digits-heldout.json"), "0.9");
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
        Assert.Contains("test-admin", get, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thresholds_reset_epoch_starts_a_new_epoch_and_republishes_every_setting()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        Assert.Equal(0, (await RunAsync("thresholds", "set", "--fleet", "0.7", "--cloud", cloud.Url.ToString())).Code);

        var (code, output) = await RunAsync("thresholds", "reset-epoch", "--by", "tester", "--cloud", cloud.Url.ToString());

        Assert.True(code == 0, output);
        Assert.Contains("republished 1 setting(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cloud_is_reported_in_one_line_with_a_non_zero_exit()
    {
        var (code, output) = await RunAsync("models", "list", "--cloud", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the cloud", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_publish_sends_an_image_folder_as_held_out_data_and_the_cloud_measures_the_model_on_it()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        using var folder = new TempFolder();
        var digits = HeldOut.Digits.Take(40).ToList();
        foreach (var (digit, i) in digits.Select((d, i) => (d, i)))
        {
            var label = Path.Combine(folder.Path, digit.Label.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(label);
            await File.WriteAllBytesAsync(Path.Combine(label, $"{i}.png"), TestImages.DigitPng(digit.Pixels, block: 4), Ct);
        }

        // The admin's reference set is the same folder, sent the same way (JSON lines of base64 images).
        await SetReferenceAsync(cloud, "digits-folder", folder.Path, "0.5");

        var (code, output) = await RunAsync(
            "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", "digits-folder", "--version", "1.0.0",
            "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--heldout", folder.Path, "--cloud", cloud.Url.ToString());

        Assert.True(code == 0, output);
        Assert.Contains("held-out samples", output, StringComparison.Ordinal);
        Assert.Contains(digits.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_publish_with_a_folder_that_holds_no_images_exits_2_before_any_upload()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "cat"));

        var (code, output) = await RunAsync(
            "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", "digits-empty", "--version", "1.0.0",
            "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--heldout", folder.Path, "--cloud", "http://127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.Contains("no images", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_reference_set_then_show_round_trips_and_show_without_one_exits_1_with_the_command_to_set_it()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);

        var (missingCode, missing) = await RunAsync("models", "reference", "show", "digits-ref", "--cloud", cloud.Url.ToString());
        var (setCode, set) = await RunAsync(
            "models", "reference", "set", "digits-ref", "--data", RepoPaths.Data("digits-heldout.json"), "--floor", "0.925", "--cloud", cloud.Url.ToString());
        var (showCode, show) = await RunAsync("models", "reference", "show", "digits-ref", "--cloud", cloud.Url.ToString());

        Assert.Equal(1, missingCode);
        Assert.Contains("edge models reference set digits-ref --data FILE --floor F", missing, StringComparison.Ordinal);
        Assert.True(setCode == 0, set);
        Assert.True(showCode == 0, show);
        Assert.Contains("Reference set of digits-ref", show, StringComparison.Ordinal);
        Assert.Contains("360", show, StringComparison.Ordinal);
        Assert.Contains("92.50 %", show, StringComparison.Ordinal);
        Assert.Contains("test-admin", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_publish_of_a_name_without_a_reference_set_prints_the_command_that_sets_one()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);

        var (code, output) = await RunAsync(
            "models", "publish", RepoPaths.Model("digits-edge.onnx"), "--name", "digits-unset", "--version", "1.0.0",
            "--manifest", RepoPaths.Model("digits-edge.manifest.json"), "--cloud", cloud.Url.ToString());

        Assert.Equal(1, code);
        Assert.Contains("422", output, StringComparison.Ordinal);
        Assert.Contains("edge models reference set digits-unset", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("NaN")]
    public async Task Models_reference_set_with_a_floor_outside_0_to_1_exits_2_before_any_request(string floor)
    {
        var (code, output) = await RunAsync(
            "models", "reference", "set", "digits-ref", "--data", RepoPaths.Data("digits-heldout.json"), "--floor", floor, "--cloud", "http://127.0.0.1:9");

        Assert.Equal(2, code);
        Assert.Contains("--floor", output, StringComparison.Ordinal);
    }

    private static async Task SetReferenceAsync(RealCloud cloud, string name, string data, string floor)
    {
        var (code, output) = await RunAsync("models", "reference", "set", name, "--data", data, "--floor", floor, "--cloud", cloud.Url.ToString());
        Assert.True(code == 0, output);
    }

    private static Task<(int Code, string Output)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
