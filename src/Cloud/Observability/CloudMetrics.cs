namespace Edge.Cloud.Observability;

using System.Globalization;
using System.Text;
using Edge.Shared.Observability;

/// <summary>
/// The handful of counters <c>GET /metrics</c> exposes, kept lock-free: inference requests by status code,
/// admission refusals, inference latency, threshold changes and device reports.
/// </summary>
internal sealed class CloudMetrics
{
    /// <summary>The status codes /v1/infer answers; anything else is counted under "other".</summary>
    private static readonly int[] Codes = [200, 400, 413, 415, 429, 499, 500, 503];

    private readonly long[] _inferByCode = new long[Codes.Length + 1];
    private long _thresholdChanges;
    private long _deviceReports;
    private long _inferSamplesStored;
    private long _inferSamplesDuplicate;
    private long _inferSamplesMalformed;

    public LatencyHistogram InferLatency { get; } = new();

    public void InferCompleted(int statusCode, TimeSpan elapsed)
    {
        var index = Array.IndexOf(Codes, statusCode);
        Interlocked.Increment(ref _inferByCode[index < 0 ? Codes.Length : index]);
        if (statusCode == 200)
        {
            InferLatency.Record(elapsed);
        }
    }

    public long InferCount(int statusCode)
    {
        var index = Array.IndexOf(Codes, statusCode);
        return Volatile.Read(ref _inferByCode[index < 0 ? Codes.Length : index]);
    }

    public void ThresholdChanged() => Interlocked.Increment(ref _thresholdChanges);

    public void DeviceReported() => Interlocked.Increment(ref _deviceReports);

    /// <summary>A fallback sample /v1/infer stored as a hard example, or found stored already (a retried attempt).</summary>
    public void InferSampleStored(bool isNew) => Interlocked.Increment(ref isNew ? ref _inferSamplesStored : ref _inferSamplesDuplicate);

    /// <summary>A fallback call whose sample headers were missing or malformed: answered, not stored.</summary>
    public void InferSampleMalformed() => Interlocked.Increment(ref _inferSamplesMalformed);

    public long InferSamples(string result) => result switch
    {
        "stored" => Volatile.Read(ref _inferSamplesStored),
        "duplicate" => Volatile.Read(ref _inferSamplesDuplicate),
        _ => Volatile.Read(ref _inferSamplesMalformed),
    };

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public void WriteTo(StringBuilder text, int running, int queued, bool mqttConnected)
    {
        PrometheusText.Family(text, "edge_cloud_infer_requests_total", "counter", "Inference requests by HTTP status code.");
        for (var i = 0; i <= Codes.Length; i++)
        {
            var code = i < Codes.Length ? Codes[i].ToString(CultureInfo.InvariantCulture) : "other";
            PrometheusText.Sample(text, "edge_cloud_infer_requests_total", Volatile.Read(ref _inferByCode[i]), ("code", code));
        }

        Counter(text, "edge_cloud_infer_rejected_total", "Inference requests refused by admission control (429).", InferCount(429));
        InferLatency.WriteTo(text, "edge_cloud_infer_latency_seconds", "Latency of successful inference requests.");
        Gauge(text, "edge_cloud_infer_running", "Inference requests running now.", running);
        Gauge(text, "edge_cloud_infer_queued", "Inference requests waiting for admission now.", queued);
        Counter(text, "edge_cloud_threshold_changes_total", "Threshold settings stored (PUT or DELETE).", Volatile.Read(ref _thresholdChanges));
        Counter(text, "edge_cloud_device_reports_total", "Reported configs received from devices.", Volatile.Read(ref _deviceReports));
        PrometheusText.Family(
            text, "edge_cloud_infer_samples_total", "counter",
            "Fallback and audit samples /v1/infer stored, found stored already, or not stored for malformed headers.");
        foreach (var result in (string[])["stored", "duplicate", "malformed"])
        {
            PrometheusText.Sample(text, "edge_cloud_infer_samples_total", InferSamples(result), ("result", result));
        }

        Gauge(text, "edge_cloud_mqtt_connected", "1 when the cloud's MQTT client is connected.", mqttConnected ? 1 : 0);
    }

    private static void Counter(StringBuilder text, string name, string help, long value) => PrometheusText.Scalar(text, name, "counter", help, value);

    private static void Gauge(StringBuilder text, string name, string help, long value) => PrometheusText.Scalar(text, name, "gauge", help, value);
}
