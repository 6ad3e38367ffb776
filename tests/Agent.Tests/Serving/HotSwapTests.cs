namespace Edge.Agent.Tests.Serving;

using System.Text.Json;
using Edge.Agent.Serving;
using Edge.Agent.Tests.Support;
using Edge.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

/// <summary>Swapping the served model while requests run: every request is answered, by one model or the other.</summary>
public sealed class HotSwapTests
{
    private const int Swaps = 100;

    [Fact]
    public async Task Every_request_in_flight_during_repeated_swaps_is_answered()
    {
        await using var agent = await TestAgentHost.StartAsync($"http://127.0.0.1:{FreePort.Next()}", new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "0",
            ["Inference:Slots"] = "1",
        });
        var local = agent.Service<LocalModel>();
        var ct = TestContext.Current.CancellationToken;
        // One slot and many clients: requests queue for the slot, so a swap disposes a model others are waiting on.
        var options = new OnnxModelOptions { Slots = 1 };
        using var other = new TempManifest("9.9.9");
        var manifests = new[] { other.Path, RepoPaths.Model("digits-edge.manifest.json") };
        var changes = 0;
        local.Changed += () => Interlocked.Increment(ref changes);

        using var stop = new CancellationTokenSource();
        var versions = new System.Collections.Concurrent.ConcurrentBag<string>();
        AwaitedAnswer? awaited = null;
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            var answered = 0;
            for (var i = c; !stop.IsCancellationRequested || answered < 20; i += 16)
            {
                var version = (await agent.Http.InferAsync(Requests.HeldOutTensor(i % HeldOut.Digits.Count))).ModelVersion;
                versions.Add(version);
                if (Volatile.Read(ref awaited) is { } expected && expected.Version == version)
                {
                    expected.Answered.TrySetResult();
                }

                answered++;
            }

            return answered;
        }, ct)).ToList();
        var running = Task.WhenAll(clients);

        for (var swap = 0; swap < Swaps; swap++)
        {
            var next = OnnxModel.Load(manifests[swap % 2], options, NullLogger.Instance);
            var newModelAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref awaited, new AwaitedAnswer(next.Manifest.Version, newModelAnswered));

            // Disposed at once: requests that read it just before the swap must move on to the new one. The next swap
            // waits until the new model has answered one of them, however slow the machine.
            local.Swap(next).Dispose();
            if (await Task.WhenAny(newModelAnswered.Task, running).WaitAsync(ct) == running)
            {
                break; // a client failed: awaited below
            }
        }

        await stop.CancelAsync();
        var answers = await Task.WhenAll(clients);

        Assert.All(answers, a => Assert.True(a >= 20));
        Assert.Equal(Swaps, changes);
        Assert.Contains("9.9.9", versions);
        Assert.Contains("1.0.0", versions);
    }

    private sealed record AwaitedAnswer(string Version, TaskCompletionSource Answered);

    /// <summary>The factory model under another version, so answers tell the two apart.</summary>
    private sealed class TempManifest : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edge-swap-");

        public TempManifest(string version)
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(RepoPaths.Model("digits-edge.manifest.json")), EdgeJsonContext.Default.ModelManifest)!;
            manifest.Version = version;
            manifest.File = RepoPaths.Model("digits-edge.onnx");
            Path = System.IO.Path.Combine(_folder.FullName, "manifest.json");
            File.WriteAllBytes(Path, JsonSerializer.SerializeToUtf8Bytes(manifest, EdgeJsonContext.Default.ModelManifest));
        }

        public string Path { get; }

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
