namespace Edge.Integration.Tests.Updates;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Cloud.Rollouts;
using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.ModelTools.Inspection;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.Updates;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// A user's own classifier through the whole product: inspect → calibrate → publish (FP32, and INT8 where the
/// quantizer takes it) → signed rollout over MQTT to a real agent → answers through its <c>/v1/infer</c>, scored and
/// routed on the model's calibrated probabilities.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class BringYourOwnModelTests
{
    private const double Threshold = 0.9;

    private const int Requests = 80;

    public static TheoryData<string, string, string> Models => new()
    {
        // model (models/{name}.onnx + manifest), calibration data, held-out data
        { "byo/byo-flat-softmax", "data/digits-calibration.json", "data/digits-heldout.json" },
        { "byo/byo-nhwc-uint8", "byo/data/byo-nhwc-uint8-calibration.jsonl", "byo/data/byo-nhwc-uint8-heldout.jsonl" },
        { "byo/byo-opset9-softmax", "byo/data/byo-opset9-softmax-calibration.jsonl", "byo/data/byo-opset9-softmax-heldout.jsonl" },
        { "byo/byo-sigmoid-okng", "byo/data/byo-sigmoid-okng-calibration.jsonl", "byo/data/byo-sigmoid-okng-heldout.jsonl" },
        { "byo/byo-text-48x192", "byo/data/byo-text-48x192-calibration.jsonl", "byo/data/byo-text-48x192-heldout.jsonl" },
        { "byo/byo-mnv3-bn-constant", "byo/data/byo-mnv3-bn-constant-calibration.jsonl", "byo/data/byo-mnv3-bn-constant-heldout.jsonl" },
        { "byo/byo-resnet", "byo/data/byo-resnet-calibration.jsonl", "byo/data/byo-resnet-heldout.jsonl" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_users_model_is_inspected_calibrated_published_rolled_out_and_routed_on_its_calibrated_scores(string model, string calibration, string heldOut)
    {
        var ct = TestContext.Current.CancellationToken;
        var committed = ReadManifest(RepoPaths.Model(model + ".manifest.json"));
        var onnx = await File.ReadAllBytesAsync(RepoPaths.Model(model + ".onnx"), ct);
        var calibrationData = LabeledData.Read(RepoPaths.Model(calibration));
        var heldOutData = LabeledData.Read(RepoPaths.Model(heldOut));

        // Inspect: the graph alone gives the layout, element type and output kind the owner wrote.
        var draft = ModelInspector.Inspect(onnx, model + ".onnx", Hints(committed)).Draft;
        Assert.Equal(committed.Input.Layout, draft.Input.Layout);
        Assert.Equal(committed.Input.ElementType, draft.Input.ElementType);
        Assert.Equal(committed.Input.Shape[1..], draft.Input.Shape[1..]);
        Assert.Equal(committed.Output.Kind ?? OutputKinds.Logits, draft.Output.Kind);

        // Calibrate on the calibration data; judged on the held-out data it never saw.
        var calibrated = ModelCalibrator.Calibrate(draft, onnx, calibrationData);
        var kind = OutputKinds.TryParse(draft.Output.Kind, out var k) ? k : OutputKind.Logits;
        var (rows, labels) = Rows(onnx, draft, heldOutData);
        var before = TemperatureFit.Measure(rows, labels, kind, draft.Temperature);
        var after = TemperatureFit.Measure(rows, labels, kind, calibrated.Temperature);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{model}: T {draft.Temperature} -> {calibrated.Temperature} (fitted {calibrated.Fitted}, adopted {calibrated.Adopted}); held-out ECE {before.Ece:F4} -> {after.Ece:F4}, NLL {before.Nll:F4} -> {after.Nll:F4}");
        Assert.True(after.Nll <= before.Nll + 0.005, $"held-out NLL {before.Nll} -> {after.Nll} at T {calibrated.Temperature}");
        draft.Temperature = calibrated.Temperature;
        draft.Golden = [.. calibrated.Golden];

        var dir = Directory.CreateTempSubdirectory("edge-byo-").FullName;
        var keyPath = Path.Combine(dir, "signing.key");
        using var key = SigningKey.LoadOrCreate(keyPath);
        await using var stack = await EdgeStack.StartAsync(
            null,
            new Dictionary<string, string?>
            {
                ["Models:StorePath"] = Path.Combine(dir, "models"),
                ["Rollouts:SigningKeyPath"] = keyPath,
                ["Rollouts:PackagePath"] = Path.Combine(dir, "packages"),
            },
            new Dictionary<string, string?>
            {
                // The device runs the owner's model as exported; updates carry new versions of that model.
                ["Inference:Manifest"] = RepoPaths.Model(model + ".manifest.json"),
                ["Updates:TrustedKeys:0"] = key.PublicKey,
                ["Updates:HealthWindow"] = "00:00:01",
                ["Routing:DefaultThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ct);
        var name = committed.Name;

        // The admin's reference set for the name: the owner's held-out data, with a floor a little under what the owner measured.
        await Registry.SetReferenceAsync(stack.CloudHttp, name, heldOut, Math.Max(0, committed.Metrics!.HeldOutAccuracy!.Value - 0.05), ct);

        // Publish FP32, measured on the owner's held-out data; then INT8 where the quantizer takes the model.
        var fp32 = await PublishAsync(stack.CloudHttp, name, "1.1.0", onnx, draft, null, RepoPaths.Model(heldOut), ct);
        Assert.True(fp32.Status == HttpStatusCode.Created, $"FP32 publish → {fp32.Status}: {fp32.Body}");
        Assert.InRange(fp32.Manifest!.Metrics!.Fp32Accuracy!.Value, committed.Metrics!.HeldOutAccuracy!.Value - 0.02, 1.0);
        Assert.Equal(fp32.Manifest.Metrics.Fp32Accuracy, fp32.Manifest.Metrics.ReferenceAccuracy);
        var shipped = "1.1.0";
        if (draft.Input.ElementType == InputElementTypes.Floats)
        {
            var int8 = await PublishAsync(stack.CloudHttp, name, "2.0.0", onnx, draft, RepoPaths.Model(calibration), RepoPaths.Model(heldOut), ct);
            Assert.True(int8.Status is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity, $"INT8 publish → {int8.Status}: {int8.Body}");
            if (int8.Status == HttpStatusCode.Created)
            {
                Assert.True(int8.Manifest!.Metrics!.Int8Agreement >= 0.98, $"agreement {int8.Manifest.Metrics.Int8Agreement}");
                shipped = "2.0.0";
            }
            else
            {
                Assert.Contains("gate", int8.Body, StringComparison.OrdinalIgnoreCase);
            }
        }

        var rollout = await Registry.RolloutToDeviceAsync(stack.CloudHttp, name, shipped, EdgeStack.DeviceId, ct);
        var finished = await WaitFinishedAsync(stack.CloudService<RolloutService>(), rollout.Id, ct);
        Assert.True(finished.State == RolloutState.Completed, $"rollout {finished.State}: {finished.Reason} {string.Join("; ", finished.Devices?.Select(d => $"{d.DeviceId} {d.Phase} {d.State} {d.Failure} {d.Detail} {d.BlocksReceived}/{d.BlocksTotal}") ?? [])}");

        // What the published file and manifest imply, computed here with ONNX Runtime directly.
        var published = ReadManifestJson(await stack.CloudHttp.GetStringAsync($"/v1/models/{name}/{shipped}", ct));
        var bytes = await stack.CloudHttp.GetByteArrayAsync($"/v1/models/{name}/{shipped}/file", ct);
        using var session = new InferenceSession(bytes);
        var preprocessor = new Preprocessor(published.Input);
        int local = 0, implied = 0;
        foreach (var sample in heldOutData.Samples.Take(Requests))
        {
            var answer = await InferAsync(stack.AgentHttp, published.Input, sample, ct);
            Assert.Equal(shipped, answer.ModelVersion);
            var expected = Expected(session, preprocessor, published, kind, sample);
            Assert.Equal(published.Labels[expected.ClassIndex], answer.LocalLabel);
            Assert.Equal(expected.Score, answer.Score, 3);
            local += answer.Decision == Decision.Local ? 1 : 0;
            implied += expected.Score >= Threshold ? 1 : 0;
        }

        // Routing follows the calibrated probabilities: the local share at 0.9 is exactly what they imply.
        Assert.Equal(implied, local);
        Assert.True(local > 0, "no sample cleared the threshold; the calibrated scores never reach it");
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp folder.
        }
    }

    /// <summary>The FP32 model's raw output row and class index for every held-out sample, through the manifest's preprocessing.</summary>
    private static (List<float[]> Rows, List<int> Labels) Rows(byte[] onnx, ModelManifest manifest, LabeledData data)
    {
        using var session = new InferenceSession(onnx);
        var preprocessor = new Preprocessor(manifest.Input);
        var rows = new List<float[]>();
        var labels = new List<int>();
        foreach (var sample in data.Samples)
        {
            rows.Add(Run(session, preprocessor, manifest, sample));
            labels.Add(Array.IndexOf(manifest.Labels, sample.Label));
        }

        return (rows, labels);
    }

    private static InspectionHints Hints(ModelManifest m) => new()
    {
        Labels = m.Labels,
        Scale = m.Input.Preprocess.RawScale,
        Mean = m.Input.Preprocess.Mean,
        Std = m.Input.Preprocess.Std,
        Color = m.Input.ColorSpace == "gray" ? null : m.Input.ColorSpace,
        Resize = m.Input.Resize,
        Output = m.Output.Name,
    };

    private static ScoreResult Expected(InferenceSession session, Preprocessor preprocessor, ModelManifest manifest, OutputKind kind, LabeledSample sample)
    {
        var row = Run(session, preprocessor, manifest, sample);
        var probabilities = new float[Math.Max(row.Length, 2)];
        return Scoring.Score(row, kind, manifest.Temperature, ScoreFunction.MaxProbability, probabilities);
    }

    private static float[] Run(InferenceSession session, Preprocessor preprocessor, ModelManifest manifest, LabeledSample sample)
    {
        var x = new float[preprocessor.Length];
        if (sample.Tensor is { } raw)
        {
            preprocessor.FromSample(raw, x);
        }
        else
        {
            preprocessor.FromImage(sample.Image, x);
        }

        long[] shape = [1, .. preprocessor.BatchShape[1..].Select(d => (long)d)];
        var bytes = new byte[x.Length];
        ByteInput.FromFloats(x, bytes);
        using var input = manifest.Input.ElementType == InputElementTypes.Bytes
            ? OrtValue.CreateTensorValueFromMemory(bytes, shape)
            : OrtValue.CreateTensorValueFromMemory(x, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [manifest.Input.Name], [input], [manifest.Output.Name]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static async Task<InferenceAnswer> InferAsync(HttpClient agent, ModelInput input, LabeledSample sample, CancellationToken ct)
    {
        using var response = sample.Tensor is { } raw
            ? await agent.PostAsJsonAsync("/v1/infer", new TensorPayload { Shape = Shape(input, raw), Data = raw }, EdgeJsonContext.Default.TensorPayload, ct)
            : await agent.PostAsync("/v1/infer", Png(sample.Image!), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"agent /v1/infer → {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize(body, EdgeJsonContext.Default.InferenceAnswer)!;
    }

    private static ByteArrayContent Png(byte[] image)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    /// <summary>The model's own layout for a full sample; an 8×8 digit as [1,1,8,8], which the agent scales up as training did.</summary>
    private static int[] Shape(ModelInput input, float[] raw)
    {
        int[] shape = raw.Length == input.Channels * input.Height * input.Width
            ? input.Layout switch
            {
                InputLayouts.Flat => [1, input.Width],
                InputLayouts.Nhwc => [1, input.Height, input.Width, input.Channels],
                _ => [1, input.Channels, input.Height, input.Width],
            }
            : [1, 1, (int)Math.Sqrt(raw.Length), (int)Math.Sqrt(raw.Length)];
        return shape;
    }

    private static async Task<(HttpStatusCode Status, string Body, ModelManifest? Manifest)> PublishAsync(
        HttpClient cloud, string name, string version, byte[] model, ModelManifest manifest, string? calibration, string heldOut, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(model);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "model", "model.onnx");
        form.Add(new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(manifest, EdgeJsonContext.Default.ModelManifest)), "manifest", "manifest.json");
        if (calibration is not null)
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(calibration, ct)), "calibration", Path.GetFileName(calibration));
        }

        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(heldOut, ct)), "heldout", Path.GetFileName(heldOut));
        var query = calibration is null ? string.Empty : "?quantize=int8";
        using var response = await cloud.PostAsync(new Uri($"/v1/models/{name}/{version}{query}", UriKind.Relative), form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return (response.StatusCode, body, response.StatusCode == HttpStatusCode.Created ? ReadManifestJson(body) : null);
    }

    /// <summary>
    /// The rollout once it leaves its active states, woken by the cloud's own change events; as it stands after two
    /// minutes otherwise (the assert then says what is missing).
    /// </summary>
    private static async Task<Rollout> WaitFinishedAsync(RolloutService rollouts, string id, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            return await rollouts.WaitForAsync(id, r => r.State is RolloutState.Completed or RolloutState.Halted or RolloutState.Aborted, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (await rollouts.GetAsync(id, ct))!;
        }
    }

    private static ModelManifest ReadManifest(string path) => ReadManifestJson(File.ReadAllText(path));

    private static ModelManifest ReadManifestJson(string json) => JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ModelManifest)!;
}
