namespace Edge.Agent.Tests.Sources;

using Edge.Agent.Hosting;
using Edge.Agent.Sources.Camera;
using Edge.Agent.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

public sealed class CommandCaptureTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("edge-capture-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private CommandCapture Capture(string command, TimeProvider time, params string[] arguments) => new(
        Options.Create(new CameraOptions { Command = command, Arguments = [.. arguments], OutputPath = "frames/frame.png", Timeout = TimeSpan.FromSeconds(5) }),
        Options.Create(new AgentOptions { StateDirectory = _state }),
        new HostingEnvironment { ContentRootPath = _state },
        time);

    [Fact]
    public async Task Returns_the_frame_the_command_wrote_to_the_output_path()
    {
        var (png, _) = Requests.DigitPng();
        var source = Path.Combine(_state, "source.png");
        await File.WriteAllBytesAsync(source, png, TestContext.Current.CancellationToken);
        using var capture = Capture("/bin/cp", TimeProvider.System, source, "{output}");

        var frame = await capture.CaptureAsync(TestContext.Current.CancellationToken);

        Assert.Equal(png, frame);
    }

    [Fact]
    public async Task A_failing_command_is_reported_with_its_exit_code_and_error_output()
    {
        using var capture = Capture("/bin/sh", TimeProvider.System, "-c", "echo no camera on /dev/video0 >&2; exit 3");

        var e = await Assert.ThrowsAsync<CaptureException>(() => capture.CaptureAsync(TestContext.Current.CancellationToken));

        Assert.Contains("exited with 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("no camera on /dev/video0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_hangs_is_killed_at_the_timeout()
    {
        var time = new FakeTimeProvider();
        using var capture = Capture("/bin/sleep", time, "600");

        var capturing = capture.CaptureAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<CaptureException>(() => capturing);
        Assert.Contains("did not finish within 5 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_command_names_the_setting()
    {
        using var capture = Capture("/nonexistent/libcamera-still", TimeProvider.System);

        var e = await Assert.ThrowsAsync<CaptureException>(() => capture.CaptureAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Sources:Camera:Command", e.Message, StringComparison.Ordinal);
    }
}
