namespace Edge.Shared.Serialization;

using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Shared.Config;
using Edge.Shared.HardExamples;
using Edge.Shared.Inference;
using Edge.Shared.Models;

/// <summary>
/// Source-generated JSON for every contract: no reflection on the device, camelCase names,
/// enums as strings, and numbers only as numbers (a quoted "0.5" threshold is a type error, not a guess).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(TensorPayload))]
[JsonSerializable(typeof(InferenceAnswer))]
[JsonSerializable(typeof(CloudAnswer))]
[JsonSerializable(typeof(DesiredConfig))]
[JsonSerializable(typeof(ReportedConfig))]
[JsonSerializable(typeof(ThresholdUpdate))]
[JsonSerializable(typeof(ScopeSetting))]
[JsonSerializable(typeof(ScopeSetting[]))]
[JsonSerializable(typeof(ReportedConfig[]))]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(DigitDataset))]
[JsonSerializable(typeof(PublishedModel[]))]
[JsonSerializable(typeof(HardExampleUpload))]
[JsonSerializable(typeof(HardExampleAck))]
[JsonSerializable(typeof(StoredHardExample))]
[JsonSerializable(typeof(StoredHardExample[]))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
