namespace Edge.Bench;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Edge.Agent;
using Edge.Agent.Observability;
using Edge.Cloud;
using Edge.Demo;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.TestSupport.Faults;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Offline first, end to end: a real cloud and agent on loopback with fault proxies on the agent's HTTP and MQTT
/// links. Requests run concurrently; for the middle part of the run the cloud is blackholed and the broker refuses
/// connections. Reports the share answered, answer latency while the breaker is open against Local answers, what
/// the outbox lost, how long it took to drain after the link came back, and duplicates in the cloud.
/// </summary>
internal static class OfflineBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var total = AnswerPathBench.ArgInt(args, "--requests", 10_000);
        var concurrency = AnswerPathBench.ArgInt(args, "--concurrency", 8);
        var threshold = args.SkipWhile(a => a != "--threshold").Skip(1).FirstOrDefault() ?? "0.9";

        // The behaviour before commit-before-answer, for comparison: the answer does not wait for the commit.
        var commitBeforeAnswer = !args.Contains("--no-commit-wait");
        var (downFrom, downTo) = (total * 3 / 10, total * 7 / 10);
        var dir = Directory.CreateTempSubdirectory("edge-offline-bench-").FullName;
        var cloudPort = FreePort.Next();
        var brokerPort = FreePort.Next();
        var cloudDb = Path.Combine(dir, "cloud.db");
        await using var cloud = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud("bench-offline"))
        {
            ["Cloud:Urls"] = $"http://127.0.0.1:{cloudPort}",
            ["Storage:ConnectionString"] = $"Data Source={cloudDb}",
            ["Mqtt:Embedded"] = "true",
            ["Mqtt:EmbeddedPort"] = Str(brokerPort),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = Str(brokerPort),
            // The cloud logs every connection the blackhole held and the restore reset; not news here.
            ["Serilog:MinimumLevel:Default"] = "Fatal",
        });
        await cloud.StartAsync();
        await using var httpLink = new TcpFaultProxy(cloudPort);
        await using var mqttLink = new TcpFaultProxy(brokerPort);
        var agentPort = FreePort.Next();
        await using var agent = AgentApplication.Create([], new Dictionary<string, string?>(TestCredentials.Agent("bench-offline"))
        {
            ["Agent:Urls"] = $"http://127.0.0.1:{agentPort}",
            ["Agent:DeviceId"] = "bench-offline",
            ["Agent:StateDirectory"] = Path.Combine(dir, "agent"),
            ["Cloud:BaseUrl"] = $"http://127.0.0.1:{httpLink.Port}",
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = Str(mqttLink.Port),
            ["Routing:DefaultThreshold"] = threshold,
            ["Outbox:RetryMinDelay"] = "00:00:00.100",
            ["Outbox:RetryMaxDelay"] = "00:00:01",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:CommitBeforeAnswer"] = commitBeforeAnswer ? "true" : "false",
            ["Serilog:MinimumLevel:Default"] = "Error",
        });
        await agent.StartAsync();
        var metrics = agent.Services.GetRequiredService<AgentMetrics>();

        var bodies = HeldOut.Digits
            .Select(d => JsonSerializer.SerializeToUtf8Bytes(new TensorPayload { Shape = [1, 1, 8, 8], Data = d.Pixels }, EdgeJsonContext.Default.TensorPayload))
            .ToArray();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agentPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var results = new ConcurrentBag<(int Index, double Ms, InferenceAnswer? Answer)>();
        var next = -1;
        var restoredAt = 0L;
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"{total} requests, {concurrency} concurrent, threshold {threshold}, commit before answer {commitBeforeAnswer}; cloud blackholed and broker refusing for requests {downFrom}..{downTo - 1}");
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                if (i == downFrom)
                {
                    httpLink.SetMode(FaultMode.Blackhole);
                    mqttLink.SetMode(FaultMode.Drop);
                }
                else if (i == downTo)
                {
                    httpLink.SetMode(FaultMode.Pass);
                    mqttLink.SetMode(FaultMode.Pass);
                    Volatile.Write(ref restoredAt, Stopwatch.GetTimestamp());
                }

                results.Add(await SendAsync(http, i, bodies[i % bodies.Length]));
            }
        })));
        var runSeconds = clock.Elapsed.TotalSeconds;

        var all = results.ToArray();
        var degraded = all.Where(r => r.Answer?.Decision == Decision.LocalDegraded).ToArray();

        // Every Cloud and LocalDegraded sample must reach the hard-example store exactly once.
        var promised = all.Count(r => r.Answer?.Decision is Decision.LocalDegraded or Decision.Cloud);
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        (long Rows, long Distinct) cloudRows;
        while ((cloudRows = CountCloudRows(cloudDb)).Distinct < promised || metrics.OutboxEntries.Value > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            await Task.Delay(20);
        }

        var drainSeconds = Stopwatch.GetElapsedTime(Volatile.Read(ref restoredAt)).TotalSeconds;
        var dropped = metrics.OutboxDropped.Sum(d => d.Value.Value);
        var answered = all.Count(r => r.Answer is not null);
        var local = Sorted(all.Where(r => r.Answer?.Decision == Decision.Local));
        var open = Sorted(degraded.Where(r => r.Answer!.DegradedReason == "cloud-circuit-open"));
        var allDegraded = Sorted(degraded);
        Console.WriteLine(FormattableString.Invariant($"run {runSeconds:0.0} s; decisions: {string.Join(", ", all.GroupBy(r => r.Answer?.Decision.ToString() ?? "failed").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}"));
        Console.WriteLine(FormattableString.Invariant($"degraded reasons: {string.Join(", ", degraded.GroupBy(r => r.Answer!.DegradedReason).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}"));
        Console.WriteLine(FormattableString.Invariant($"answered              {answered}/{total} = {100.0 * answered / total:0.00} %"));
        Line("Local (local only)", local);
        Line("LocalDegraded, open", open);
        Line("LocalDegraded, all", allDegraded);
        Console.WriteLine(FormattableString.Invariant($"hard examples: {promised} promised (Cloud and LocalDegraded answers), {metrics.OutboxEnqueued.Value} committed to the outbox, {dropped} dropped by policy, {Math.Max(0, promised - cloudRows.Distinct)} lost"));
        Console.WriteLine(FormattableString.Invariant($"drain: {cloudRows.Distinct} in the cloud {drainSeconds:0.00} s after the link came back (outbox now {metrics.OutboxEntries.Value}); uploads retried {metrics.OutboxUploadFailures.Value} times"));
        Console.WriteLine(FormattableString.Invariant($"duplicates in the cloud: {cloudRows.Rows - cloudRows.Distinct} (rows {cloudRows.Rows}, distinct ids {cloudRows.Distinct}, extra rows over promised {Math.Max(0, cloudRows.Rows - promised)})"));
        await agent.StopAsync();
        await cloud.StopAsync();
        return answered == total && cloudRows.Distinct == promised && cloudRows.Rows == cloudRows.Distinct ? 0 : 1;
    }

    private static async Task<(int, double, InferenceAnswer?)> SendAsync(HttpClient http, int index, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentTypes.Json);
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsync("/v1/infer", content);
            var text = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            return response.IsSuccessStatusCode
                ? (index, ms, JsonSerializer.Deserialize(text, EdgeJsonContext.Default.InferenceAnswer))
                : (index, ms, null);
        }
        catch (HttpRequestException)
        {
            return (index, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, null);
        }
    }

    private static (long Rows, long Distinct) CountCloudRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT id) FROM hard_examples;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static double[] Sorted(IEnumerable<(int Index, double Ms, InferenceAnswer? Answer)> rows) =>
        rows.Select(r => r.Ms).Order().ToArray();

    private static void Line(string name, double[] sorted) =>
        Console.WriteLine(FormattableString.Invariant(
            $"{name,-22} n {sorted.Length,6}   p50 {Percentiles.Of(sorted, 50),7:0.000} ms   p99 {Percentiles.Of(sorted, 99),7:0.000} ms   max {(sorted.Length > 0 ? sorted[^1] : double.NaN),8:0.0} ms"));

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
