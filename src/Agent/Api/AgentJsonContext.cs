namespace Edge.Agent.Api;

using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Shared.Config;

/// <summary>JSON for the agent's own small responses (the shared contracts use <c>EdgeJsonContext</c>).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(StatusResponse))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;

internal sealed record HealthResponse(string Status, string Model, string Version, string ExecutionProvider, double Threshold);

internal sealed record StatusResponse(
    double Threshold,
    ConfigScope? ThresholdSource,
    double AuditSampleRate,
    ScoreFunction ScoreFunction,
    string Model,
    string Version,
    string ExecutionProvider,
    CloudLinkStatus Cloud,
    Edge.Shared.Updates.ModelStatus? Update = null);

internal sealed record CloudLinkStatus(string BaseUrl, string Circuit, DateTimeOffset? ThrottledUntil);
