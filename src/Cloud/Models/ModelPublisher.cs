namespace Edge.Cloud.Models;

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Inference;
using Edge.ModelTools;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Onnx;
using Edge.ModelTools.Quantization;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The publish pipeline: check the upload, optionally quantize to INT8 and gate it on held-out accuracy, then store
/// the file, its manifest and the registry row. One publish at a time, off the request thread (it is CPU-bound).
/// </summary>
internal sealed class ModelPublisher : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ModelStore _store;
    private readonly ReferenceStore _references;
    private readonly ModelRegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelPublisher> _logger;

    public ModelPublisher(ModelStore store, ReferenceStore references, IOptions<ModelRegistryOptions> options, TimeProvider time, ILogger<ModelPublisher> logger)
    {
        _store = store;
        _references = references;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <exception cref="ModelPublishException">The upload is refused; status and message are for the caller.</exception>
    public async Task<ModelManifest> PublishAsync(ModelUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (await _store.ExistsAsync(upload.Name, upload.Version, cancellationToken))
            {
                throw new ModelPublishException(StatusCodes.Status409Conflict, "Version exists",
                    $"model {upload.Name} version {upload.Version} is already published; versions are immutable, publish a new one");
            }

            var reference = await _references.LoadAsync(upload.Name, cancellationToken);
            if (reference is null && _options.RequireReference)
            {
                throw new ModelPublishException(StatusCodes.Status422UnprocessableEntity, "No reference set",
                    $"model {upload.Name} has no reference set, and this cloud publishes only what it can judge on held-out data of its own (Models:RequireReference); an admin sets one with: edge models reference set {upload.Name} --data FILE --floor F");
            }

            var started = _time.GetTimestamp();
            var (manifest, bytes, row) = await Task.Run(() => Build(upload, reference), cancellationToken);
            await _store.SaveAsync(manifest, bytes, row, cancellationToken);
            if (reference is null)
            {
                ModelsLog.Unjudged(_logger, row.Name, row.Version);
            }

            var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
            ModelsLog.Published(_logger, row.Name, row.Version, row.Quantization, row.SizeBytes, row.SourceSizeBytes, elapsedMs);
            return manifest;
        }
        catch (ModelPublishException e)
        {
            ModelsLog.Refused(_logger, upload.Name, upload.Version, e.Message);
            throw;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    private (ModelManifest Manifest, byte[] Bytes, PublishedModel Row) Build(ModelUpload upload, (ModelReference Info, byte[] Data)? reference)
    {
        var source = $"model part of {upload.Name} {upload.Version}";
        try
        {
            ManifestRules.Validate(upload.Manifest, "manifest part");
            CheckNames(OnnxFile.Parse(upload.Model, source).Graph, upload.Manifest, source);
            if (upload.Quantize)
            {
                RequireData(upload);
            }

            CheckManifestSize(upload.Manifest);
            var heldOut = upload.HeldOut is null ? null : Prepare(upload.Manifest, upload.HeldOut, labelled: true, "held-out");

            // Prepared before the (slow) quantization, so a set that does not fit this model is refused at once.
            var judged = reference is { } r ? Prepare(upload.Manifest, ReferenceData.Parse(r.Data, upload.Name, _options.MaxDataValues), labelled: true, "reference set") : null;
            var (manifest, bytes, row) = upload.Quantize ? Quantize(upload, source, heldOut) : AsIs(upload, source, heldOut);
            if (reference is { } set)
            {
                CheckFloor(upload, manifest, bytes, set.Info, judged!);
            }

            return (manifest, bytes, row);
        }
        catch (DataSetException e)
        {
            throw new ModelPublishException(e.Message);
        }
        catch (Exception e) when (e is QuantizationException or ModelLoadException or InvalidInputException or OnnxRuntimeException)
        {
            throw new ModelPublishException(e.Message);
        }
        catch (AccuracyGateException e)
        {
            throw new ModelPublishException(StatusCodes.Status422UnprocessableEntity, "Accuracy gate failed", e.Message);
        }
    }

    /// <summary>INT8 needs inputs to calibrate on and, unless the caller waives it, labelled data for the gate to judge.</summary>
    private static void RequireData(ModelUpload upload)
    {
        if (upload.Calibration is null)
        {
            throw new ModelPublishException(
                "INT8 needs calibration data: send a 'calibration' part (JSON lines of tensors or images in the model's input form, or a digit data set; a few hundred representative samples)");
        }

        if (upload.HeldOut is null && !upload.Options.NoGate)
        {
            throw new ModelPublishException(
                "INT8 without held-out data: the accuracy gate cannot judge the quantized model; send a labelled 'heldout' part, or add noGate=true to publish it unjudged");
        }
    }

    /// <summary>
    /// The accuracy floor: the file devices will run (the INT8 result, or the FP32 upload as is) scored on the admin's
    /// reference set, whatever the uploader's own held-out data said and whether or not the INT8 gate was waived.
    /// </summary>
    private void CheckFloor(ModelUpload upload, ModelManifest published, byte[] bytes, ModelReference reference, TensorSet data)
    {
        var what = published.Quantization is null ? "the FP32 file as uploaded" : "the INT8 result";
        var predictions = ModelEvaluator.Predict(bytes, what, data, output: published.Output);
        var accuracy = (double)predictions.Where((p, i) => p == data.Labels![i]).Count() / data.Count;
        if (accuracy < reference.Floor)
        {
            throw new ModelPublishException(StatusCodes.Status422UnprocessableEntity, "Accuracy floor", string.Create(CultureInfo.InvariantCulture,
                $"model {upload.Name} {upload.Version} ({what}) scores {accuracy * 100:F2} % top-1 on the reference set of {data.Count} samples that {reference.SetBy} set at {reference.SetAt:u}; the floor is {reference.Floor * 100:F2} %, so it is not published"));
        }

        published.Metrics!.ReferenceAccuracy = Math.Round(accuracy, 6);
        published.Metrics.ReferenceCount = data.Count;
        published.Metrics.ReferenceFloor = reference.Floor;
        CheckManifestSize(published);
    }

    private TensorSet Prepare(ModelManifest manifest, LabeledData data, bool labelled, string what) =>
        PreparedData.From(manifest, data, labelled, what, _options.MaxDataValues).Tensors;

    /// <summary>Golden samples of a large input can outgrow what a device takes in an update; refused here, not on every device.</summary>
    private void CheckManifestSize(ModelManifest manifest)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, EdgeJsonContext.Default.ModelManifest).Length;
        if (bytes > _options.MaxManifestBytes)
        {
            throw new ModelPublishException(string.Create(CultureInfo.InvariantCulture,
                $"the manifest is {bytes} bytes ({manifest.Golden.Length} golden samples); devices take at most {_options.MaxManifestBytes} in an update: keep fewer golden samples (edge models calibrate --golden 1) or none"));
        }
    }

    private (ModelManifest, byte[], PublishedModel) Quantize(ModelUpload upload, string source, TensorSet? heldOut)
    {
        var calibration = Prepare(upload.Manifest, upload.Calibration!, labelled: false, "calibration");
        var options = new QuantizationOptions
        {
            ActivationType = _options.ActivationType,
            CalibrationMethod = upload.Options.Method ?? CalibrationMethod.MinMax,
            Exclude = upload.Options.Exclude ?? [],
        };
        var int8 = ModelQuantizer.Quantize(upload.Model, source, calibration, options);
        var what = string.Create(CultureInfo.InvariantCulture,
            $"static QDQ INT8 ({int8.ActivationType} activations, per-channel int8 weights), {options.CalibrationMethod} calibration on {calibration.Count} samples");
        var floats = int8.FloatNodes.Count == 0 ? string.Empty : $"; left in float: {string.Join(", ", int8.FloatNodes.Take(12).Select(f => f.ToString()))}{(int8.FloatNodes.Count > 12 ? $" and {int8.FloatNodes.Count - 12} more" : string.Empty)}";
        ModelMetrics metrics;
        string note;
        if (heldOut is null)
        {
            metrics = Metrics(upload.Manifest.Metrics, null, null, null, null);
            note = $"{what}; not judged: published without held-out data (noGate){floats}";
        }
        else
        {
            var layerData = new TensorSet(calibration.SampleShape, calibration.Samples.Take(_options.LayerErrorSamples).ToList());
            var report = ModelEvaluator.Compare(upload.Model, int8, heldOut, layerData, output: upload.Manifest.Output);
            AccuracyGate.Check(report, new AccuracyGateOptions { MaxTop1DropPoints = _options.MaxTop1DropPoints });
            var worst = report.WorstLayers(1).FirstOrDefault();
            var weakest = worst is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; lowest-SQNR layer {worst.OpType} '{worst.NodeName}' ({worst.SqnrDb:F1} dB)");
            note = string.Create(CultureInfo.InvariantCulture,
                $"{what}; held-out top-1 FP32 {report.Fp32Top1:F2} % -> INT8 {report.Int8Top1:F2} % (gate: at most {_options.MaxTop1DropPoints:F2} points), agreement {report.Top1Agreement:F2} %{weakest}{floats}; temperature copied from the FP32 upload");
            metrics = Metrics(upload.Manifest.Metrics, report.HeldOutCount, report.Fp32Top1 / 100, report.Int8Top1 / 100, report.Top1Agreement / 100);
        }

        var quantization = new ModelQuantization
        {
            Mode = "int8",
            ActivationType = int8.ActivationType.ToString(),
            CalibrationMethod = options.CalibrationMethod.ToString(),
            CalibrationSamples = calibration.Count,
            SourceSha256 = Sha256(upload.Model),
            SourceSizeBytes = upload.Model.LongLength,
            Note = note,
        };
        return Finish(upload, int8.Bytes, metrics, quantization, RecomputeGolden(upload.Manifest, int8.Bytes));
    }

    private (ModelManifest, byte[], PublishedModel) AsIs(ModelUpload upload, string source, TensorSet? heldOut)
    {
        // Without held-out data an FP32 file is published as its owner measured it; it is still loaded once to prove ORT runs it.
        if (heldOut is null)
        {
            using var check = new InferenceSession(upload.Model);
            return Finish(upload, upload.Model, Metrics(upload.Manifest.Metrics, null, null, null, null), null, upload.Manifest.Golden);
        }

        var predictions = ModelEvaluator.Predict(upload.Model, source, heldOut, output: upload.Manifest.Output);
        var accuracy = (double)predictions.Where((p, i) => p == heldOut.Labels![i]).Count() / heldOut.Count;
        var metrics = Metrics(upload.Manifest.Metrics, heldOut.Count, accuracy, null, null);
        return Finish(upload, upload.Model, metrics, null, upload.Manifest.Golden);
    }

    private (ModelManifest, byte[], PublishedModel) Finish(ModelUpload upload, byte[] bytes, ModelMetrics metrics, ModelQuantization? quantization, GoldenSample[] golden)
    {
        // A deep copy through the contract, so nothing of the caller's object is shared with what gets stored.
        var manifest = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(upload.Manifest, EdgeJsonContext.Default.ModelManifest), EdgeJsonContext.Default.ModelManifest)!;
        manifest.Sha256 = Sha256(bytes);
        manifest.SizeBytes = bytes.LongLength;
        manifest.Metrics = metrics;
        manifest.Quantization = quantization;
        manifest.Golden = golden;
        var row = new PublishedModel
        {
            Name = upload.Name,
            Version = upload.Version,
            Quantization = quantization?.Mode ?? "none",
            Sha256 = manifest.Sha256,
            SizeBytes = bytes.LongLength,
            SourceSizeBytes = upload.Model.LongLength,
            Fp32Accuracy = metrics.Fp32Accuracy,
            Int8Accuracy = metrics.Int8Accuracy,
            Int8Agreement = metrics.Int8Agreement,
            PublishedAt = _time.GetUtcNow(),
        };
        CheckManifestSize(manifest);
        return (manifest, bytes, row);
    }

    private static ModelMetrics Metrics(ModelMetrics? upload, int? count, double? fp32, double? int8, double? agreement) => new()
    {
        // What the shipped file scores; the training-time figures describe the FP32 model and are kept as they came.
        // Unmeasured (no held-out data), the upload's own held-out figures stand.
        HeldOutAccuracy = count is null ? upload?.HeldOutAccuracy : Math.Round((int8 ?? fp32)!.Value, 6),
        HeldOutCount = count ?? upload?.HeldOutCount,
        Parameters = upload?.Parameters,
        EceBefore = upload?.EceBefore,
        EceAfter = upload?.EceAfter,
        NllBefore = upload?.NllBefore,
        NllAfter = upload?.NllAfter,
        Fp32Accuracy = fp32 is null ? null : Math.Round(fp32.Value, 6),
        Int8Accuracy = int8 is null ? null : Math.Round(int8.Value, 6),
        Int8Agreement = agreement is null ? null : Math.Round(agreement.Value, 6),
    };

    /// <summary>
    /// Golden samples check that a device preprocesses like the exporter. Their expected class is re-taken from
    /// the INT8 model (which may differ on a borderline sample) and the FP32 logits are dropped (INT8 differs in the last digits).
    /// </summary>
    private static GoldenSample[] RecomputeGolden(ModelManifest manifest, byte[] int8)
    {
        if (manifest.Golden.Length == 0)
        {
            return [];
        }

        var preprocessor = new Preprocessor(manifest.Input);
        var samples = manifest.Golden.Select(g =>
        {
            var x = new float[preprocessor.Length];
            preprocessor.FromSample(g.Pixels, x);
            return x;
        }).ToList();
        var top1 = ModelEvaluator.Predict(int8, "the INT8 model", new TensorSet([.. preprocessor.SampleShape], samples), output: manifest.Output);
        return [.. manifest.Golden.Select((g, i) => new GoldenSample { Pixels = g.Pixels, ExpectedTop1 = top1[i], Logits = [] })];
    }

    private static void CheckNames(global::Onnx.GraphProto graph, ModelManifest manifest, string source)
    {
        var inputs = graph.Input.Select(i => i.Name).Except(graph.Initializer.Select(t => t.Name)).ToList();
        if (!inputs.Contains(manifest.Input.Name))
        {
            throw new ModelPublishException($"the manifest's input '{manifest.Input.Name}' is not an input of the {source} (it has: {string.Join(", ", inputs)})");
        }

        if (graph.Output.All(o => o.Name != manifest.Output.Name))
        {
            throw new ModelPublishException(
                $"the manifest's output '{manifest.Output.Name}' is not an output of the {source} (it has: {string.Join(", ", graph.Output.Select(o => o.Name))})");
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
