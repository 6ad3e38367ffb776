namespace Edge.Shared.Serialization;

using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Shared.Config;
using Edge.Shared.HardExamples;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.Shared.Telemetry;
using Edge.Shared.Updates;

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
[JsonSerializable(typeof(ConfigEpochReset))]
[JsonSerializable(typeof(ReportedConfig))]
[JsonSerializable(typeof(ThresholdUpdate))]
[JsonSerializable(typeof(ScopeSetting))]
[JsonSerializable(typeof(ScopeSetting[]))]
[JsonSerializable(typeof(ReportedConfig[]))]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(DigitDataset))]
[JsonSerializable(typeof(PublishedModel[]))]
[JsonSerializable(typeof(ModelReference))]
[JsonSerializable(typeof(HardExampleUpload))]
[JsonSerializable(typeof(HardExampleAck))]
[JsonSerializable(typeof(StoredHardExample))]
[JsonSerializable(typeof(StoredHardExample[]))]
[JsonSerializable(typeof(PackageManifest))]
[JsonSerializable(typeof(SignedPackage))]
[JsonSerializable(typeof(ModelDesired))]
[JsonSerializable(typeof(BlockRequest))]
[JsonSerializable(typeof(ModelStatus))]
[JsonSerializable(typeof(ModelStatus[]))]
[JsonSerializable(typeof(Rollout))]
[JsonSerializable(typeof(Rollout[]))]
[JsonSerializable(typeof(RolloutRequest))]
[JsonSerializable(typeof(SigningKeyInfo))]
[JsonSerializable(typeof(TelemetryWindow))]
[JsonSerializable(typeof(GroupTelemetry))]
[JsonSerializable(typeof(WhatIfCurve))]
[JsonSerializable(typeof(ThresholdBounds))]
[JsonSerializable(typeof(ScopeBounds))]
[JsonSerializable(typeof(ScopeBounds[]))]
[JsonSerializable(typeof(ControllerUpdate))]
[JsonSerializable(typeof(ControllerGroupUpdate))]
[JsonSerializable(typeof(ControllerStatus))]
[JsonSerializable(typeof(Edge.Shared.Security.ApiTokenRequest))]
[JsonSerializable(typeof(Edge.Shared.Security.ApiTokenInfo[]))]
[JsonSerializable(typeof(Edge.Shared.Security.CreatedApiToken))]
[JsonSerializable(typeof(Edge.Shared.Security.DeviceEnrollRequest))]
[JsonSerializable(typeof(Edge.Shared.Security.DeviceCredentials))]
public sealed partial class EdgeJsonContext : JsonSerializerContext;
