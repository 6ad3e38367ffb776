namespace Edge.Cloud.Hosting;

using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Cloud.Observability;
using Edge.Cloud.Thresholds;

/// <summary>Source-generated JSON for the cloud's own answers; same conventions as <c>EdgeJsonContext</c>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditEntry[]))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(Edge.Cloud.LoadControl.ControllerConfig))]
[JsonSerializable(typeof(Edge.Shared.Telemetry.GroupTelemetry[]))]
internal sealed partial class CloudJsonContext : JsonSerializerContext;
