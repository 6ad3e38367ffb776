namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Edge.Agent;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Demo;
using Edge.Inference;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The agent's answer time in-process (router: JSON body → model input, run, score, decide, answer) and over its HTTP
/// API, against a bare ONNX Runtime <c>Run</c> on the same model, same input, same thread count.
/// The three are interleaved in rounds so drift on the machine hits them alike.
/// </summary>
internal static class AnswerPathBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = ArgInt(args, "--iterations", 20_000);
        const int rounds = 10;
        var port = FreePort.Next();
        await using var agent = AgentApplication.Create([], new Dictionary<string, string?>
        {
            ["Agent:Urls"] = $"http://127.0.0.1:{port}",
            ["Mqtt:Enabled"] = "false",
            ["Routing:DefaultThreshold"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await agent.StartAsync();
        var router = agent.Services.GetRequiredService<InferenceRouter>();
        var model = agent.Services.GetRequiredService<LocalModel>().Model;

        var sample = HeldOut.Digits[0];
        var tensor = new TensorPayload { Shape = [1, 1, 8, 8], Data = sample.Pixels };
        var body = JsonSerializer.SerializeToUtf8Bytes(tensor, EdgeJsonContext.Default.TensorPayload);
        var request = new InferenceRequest(body, ContentTypes.Json, InferBodyFormat.TensorJson);

        using var raw = new RawOrt(RepoPaths.Model("digits-edge.onnx"), sample.Pixels);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentTypes.Json);

        var ct = CancellationToken.None;
        var perRound = iterations / rounds;
        var rawTimes = new List<double>(iterations);
        var routerTimes = new List<double>(iterations);
        var httpTimes = new List<double>(iterations / 4);
        var warmUp = await WarmUpAsync(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                raw.Run();
                await router.InferAsync(request, ct);
            }

            for (var i = 0; i < 250; i++)
            {
                using var r = await http.PostAsync("/v1/infer", content, ct);
            }
        });
        Console.WriteLine(FormattableString.Invariant($"warm-up {warmUp.TotalSeconds:0.0} s, until the JIT had nothing left to compile"));

        Console.WriteLine($"model {model.Name}@{model.Version}, 1 intra-op thread, {iterations} calls each (HTTP {iterations / 4}), {rounds} interleaved rounds");
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < perRound; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                raw.Run();
                rawTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }

            for (var i = 0; i < perRound; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await router.InferAsync(request, ct);
                routerTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }

            for (var i = 0; i < perRound / 4; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/v1/infer", content, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                httpTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }
        }

        var allocated = MeasureAllocations(router, request);
        var rawP50 = Report("raw ORT Run", rawTimes);
        var routerP50 = Report("agent in-process", routerTimes);
        var httpP50 = Report("agent over HTTP", httpTimes);
        Console.WriteLine(FormattableString.Invariant($"in-process / raw p50 ratio: {routerP50 / rawP50:0.00}×"));
        Console.WriteLine(FormattableString.Invariant($"HTTP path extra over in-process (p50): {httpP50 - routerP50:0.0} µs"));
        Console.WriteLine(FormattableString.Invariant($"allocated per in-process answer: {allocated:0} bytes"));
        await agent.StopAsync();
        return 0;
    }

    /// <summary>
    /// Repeats <paramref name="round"/> until a round compiles no new method. Tiered compilation re-JITs hot methods
    /// with profile data in the background, on this 2-core machine for seconds; the JSON reader, for one, runs three
    /// times faster once it has. A fixed warm-up count measures how far the JIT got, not the code.
    /// </summary>
    private static async Task<TimeSpan> WarmUpAsync(Func<Task> round)
    {
        var started = Stopwatch.GetTimestamp();
        var compiled = -1L;
        for (var quiet = 0; quiet < 3 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60);)
        {
            await round();
            await Task.Delay(200); // the background compiler's turn
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static double MeasureAllocations(InferenceRouter router, InferenceRequest request)
    {
        const int n = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            // Local answers complete synchronously, so this stays on one thread (and anything else is a finding).
            var answer = router.InferAsync(request, CancellationToken.None);
            if (!answer.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("a Local answer did not complete synchronously");
            }

            _ = answer.Result;

        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)n;
    }

    private static double Report(string name, List<double> micros)
    {
        var sorted = micros.Select(x => x).Order().ToArray();
        var p50 = Percentiles.Of(sorted, 50);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-18} p50 {p50,8:0.0} µs   p95 {Percentiles.Of(sorted, 95),8:0.0} µs   p99 {Percentiles.Of(sorted, 99),8:0.0} µs"));
        return p50;
    }

    internal static int ArgInt(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>The floor: one pre-built input OrtValue, one pre-allocated output, a bare session.Run.</summary>
internal sealed class RawOrt : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly string[] _inputNames = ["input"];
    private readonly string[] _outputNames = ["logits"];

    public RawOrt(string modelPath, float[] rawPixels)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(modelPath, options);
        _input = OrtValue.CreateTensorValueFromMemory(rawPixels.Select(p => p / 16f).ToArray(), [1, 1, 8, 8]);
        _output = OrtValue.CreateTensorValueFromMemory(new float[10], [1, 10]);
        _inputs = [_input];
        _outputs = [_output];
    }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
