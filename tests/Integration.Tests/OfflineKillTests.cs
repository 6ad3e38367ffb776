namespace Edge.Integration.Tests;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Data.Sqlite;

/// <summary>The agent as a real process, killed with SIGKILL while LocalDegraded samples pour into its outbox.</summary>
public sealed class OfflineKillTests : IDisposable
{
    private static readonly Dictionary<string, string> OfflineEnvironment = new()
    {
        ["Cloud__BaseUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
        ["Mqtt__Enabled"] = "false",
        ["Routing__DefaultThreshold"] = "1.5",
    };

    private readonly string _state = Directory.CreateTempSubdirectory("edge-kill-").FullName;

    [Fact]
    public async Task Every_LocalDegraded_answer_given_before_a_SIGKILL_is_in_the_outbox_after_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var answered = new System.Collections.Concurrent.ConcurrentBag<int>();
        using (var agent = await AgentProcess.StartAsync(_state, OfflineEnvironment, ct))
        {
            var next = -1;
            using var enough = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                int i;
                while (!enough.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < 100_000)
                {
                    try
                    {
                        var answer = await agent.InferAsync(Marked(i), ct);
                        Assert.Equal(Decision.LocalDegraded, answer.Decision);
                        answered.Add(i);
                        if (answered.Count >= 400 && !enough.IsCancellationRequested)
                        {
                            // At once, from the worker that saw the answer: the others still have requests in flight.
                            agent.Kill();
                            await enough.CancelAsync();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToArray();

            await Task.WhenAll(workers);
        }

        var promised = answered.ToArray();
        Assert.True(promised.Length >= 400, $"only {promised.Length} answers before the kill");
        using (var restarted = await AgentProcess.StartAsync(_state, OfflineEnvironment, ct))
        {
            var metrics = await restarted.Http.GetStringAsync("/metrics", ct);
            var line = metrics.Split('\n').Single(l => l.StartsWith("edge_agent_outbox_entries ", StringComparison.Ordinal));
            Assert.True(long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) >= promised.Length, line);
            restarted.Kill();
        }

        var path = Path.Combine(_state, "outbox.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        using var store = new OutboxStore(path, 1_000_000, 1L << 36, new AgentMetrics());
        var kept = store.ReadOldest(OutboxKind.HardExample, 1_000_000)
            .Select(e => (int)JsonSerializer.Deserialize(e.Payload, EdgeJsonContext.Default.TensorPayload)!.Data[0])
            .ToHashSet();
        TestContext.Current.TestOutputHelper!.WriteLine($"promised {promised.Length}, kept {kept.Count}, missing {promised.Count(i => !kept.Contains(i))}");
        Assert.All(promised, i => Assert.Contains(i, kept));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>A held-out digit whose first pixel carries the request's number, so the outbox can be checked by request.</summary>
    private static TensorPayload Marked(int i)
    {
        var pixels = (float[])HeldOut.Digits[i % HeldOut.Digits.Count].Pixels.Clone();
        pixels[0] = i;
        return new TensorPayload { Shape = [1, 1, 8, 8], Data = pixels };
    }
}
