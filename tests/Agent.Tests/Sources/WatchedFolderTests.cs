namespace Edge.Agent.Tests.Sources;

using System.Text.Json;
using Edge.Agent.Hosting.Readiness;
using Edge.Agent.Sources;
using Edge.Agent.Sources.Folder;
using Edge.Agent.Tests.Support;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class WatchedFolderTests
{
    private static Dictionary<string, string?> Folder(string path) => new()
    {
        ["Sources:Folder:Path"] = path,
        ["Sources:Folder:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task Answers_a_new_frame_and_moves_it_to_done_next_to_its_result()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestAgentHost.StartAsync(new TestAgentOptions { Threshold = 0, Settings = Folder("inbox"), BeforeStart = a => Directory.CreateDirectory(Path.Combine(a.State, "inbox")) }, ct);
        var inbox = Path.Combine(agent.State, "inbox");
        var (png, label) = Requests.DigitPng();

        // Written under a hidden name and renamed, as the folder's contract asks of writers.
        await File.WriteAllBytesAsync(Path.Combine(inbox, ".part1.png"), png, ct);
        File.Move(Path.Combine(inbox, ".part1.png"), Path.Combine(inbox, "part1.png"));
        var outcome = await agent.Service<SourceEvents>().WaitForAsync(o => o.Name == "part1.png", ct);

        Assert.Null(outcome.Error);
        Assert.Equal(label, outcome.Answer!.Label);
        Assert.False(File.Exists(Path.Combine(inbox, "part1.png")));
        Assert.True(File.Exists(Path.Combine(inbox, "done", "part1.png")));
        var result = JsonSerializer.Deserialize(
            await File.ReadAllBytesAsync(Path.Combine(inbox, "done", "part1.png.result.json"), ct), EdgeJsonContext.Default.InferenceAnswer);
        Assert.Equal(label, result!.Label);
    }

    [Fact]
    public async Task A_file_that_is_no_image_moves_to_failed_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestAgentHost.StartAsync(new TestAgentOptions { Threshold = 0, Settings = Folder("inbox"), BeforeStart = a => Directory.CreateDirectory(Path.Combine(a.State, "inbox")) }, ct);
        var inbox = Path.Combine(agent.State, "inbox");

        await File.WriteAllTextAsync(Path.Combine(inbox, "broken.png"), "not a picture", ct);
        var outcome = await agent.Service<SourceEvents>().WaitForAsync(o => o.Name == "broken.png", ct);

        Assert.Null(outcome.Answer);
        Assert.Contains("not a PNG, JPEG or JSON tensor", outcome.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(inbox, "failed", "broken.png")));
        Assert.Contains("not a PNG", await File.ReadAllTextAsync(Path.Combine(inbox, "failed", "broken.png.error.txt"), ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_jpegs_that_crash_the_decoder_move_to_failed_and_do_not_hold_up_the_frames_after_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestAgentHost.StartAsync(new TestAgentOptions { Threshold = 0, Settings = Folder("inbox"), BeforeStart = a => Directory.CreateDirectory(Path.Combine(a.State, "inbox")) }, ct);
        var inbox = Path.Combine(agent.State, "inbox");
        var (png, label) = Requests.DigitPng();
        var jpeg = TestImages.Reencode(png, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder());
        var truncated = Enumerable.Range(1, jpeg.Length - 1).Select(n => $"a{n:D5}.jpg").ToList();
        foreach (var name in truncated)
        {
            await File.WriteAllBytesAsync(Path.Combine(inbox, name), jpeg[..int.Parse(name[1..6], System.Globalization.CultureInfo.InvariantCulture)], ct);
        }

        // Sorted after every truncated frame: answered only if none of them blocks the scan.
        await File.WriteAllBytesAsync(Path.Combine(inbox, ".z.png"), png, ct);
        File.Move(Path.Combine(inbox, ".z.png"), Path.Combine(inbox, "z.png"));
        var outcome = await agent.Service<SourceEvents>().WaitForAsync(o => o.Name == "z.png", ct);

        Assert.Equal(label, outcome.Answer!.Label);
        Assert.All(truncated, name => Assert.False(File.Exists(Path.Combine(inbox, name)), name + " is still in the inbox"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(inbox, "failed"), "*.jpg"));
    }

    [Fact]
    public async Task A_frame_that_cannot_be_moved_aside_is_refused_once_and_does_not_hold_up_the_frames_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestAgentHost.StartAsync(new TestAgentOptions
        {
            Threshold = 0,
            Settings = Folder("inbox"),

            // failed/a.png is a folder: the refused frame cannot be moved there (as on a full or read-only disk).
            BeforeStart = a => Directory.CreateDirectory(Path.Combine(a.State, "inbox", "failed", "a.png")),
        }, ct);
        var inbox = Path.Combine(agent.State, "inbox");
        var events = agent.Service<SourceEvents>();

        await File.WriteAllTextAsync(Path.Combine(inbox, "a.png"), "not a picture", ct);
        await events.WaitForAsync(o => o.Name == "a.png", ct);
        var (png, label) = Requests.DigitPng();
        await File.WriteAllBytesAsync(Path.Combine(inbox, ".z.png"), png, ct);
        File.Move(Path.Combine(inbox, ".z.png"), Path.Combine(inbox, "z.png"));

        // z.png is found by a later scan than a.png's refusal, which would have refused a.png again.
        var outcome = await events.WaitForAsync(o => o.Name == "z.png", ct);

        Assert.Equal(label, outcome.Answer!.Label);
        Assert.Equal(1, events.Count(o => o.Name == "a.png"));
        Assert.True(File.Exists(Path.Combine(inbox, "a.png")));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_listed_is_a_fault_with_its_path_and_the_agent_keeps_serving()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await TestAgentHost.StartAsync(new TestAgentOptions { Threshold = 0, Settings = Folder("not-a-folder"), BeforeStart = a => File.WriteAllText(Path.Combine(a.State, "not-a-folder"), "a file") }, ct);

        var status = await agent.DeviceStatusAsync(ct);

        var folder = Assert.Single(status.Components, c => c.Component == WatchedFolderService.Component);
        Assert.Equal(ComponentState.Fault, folder.State);
        Assert.Contains(Path.Combine(agent.State, "not-a-folder"), folder.Reason, StringComparison.Ordinal);
        Assert.Equal(DeviceState.Fault, status.State);
        Assert.True((await agent.Http.GetAsync("/healthz", ct)).IsSuccessStatusCode);
    }
}
