namespace Edge.Cloud.Observability;

/// <summary>The body of <c>GET /healthz</c>.</summary>
internal sealed class HealthReport
{
    /// <summary><c>ok</c>, or <c>degraded</c> when the model is missing or MQTT is down.</summary>
    public required string Status { get; init; }

    public string? Model { get; init; }

    public string? ModelError { get; init; }

    public bool MqttConnected { get; init; }

    /// <summary>Null for an anonymous caller, as is <see cref="ModelError"/>.</summary>
    public string? MqttEndpoint { get; init; }

    public int InferRunning { get; init; }

    public int InferQueued { get; init; }
}
