namespace Edge.Agent.Observability;

using System.Globalization;
using System.Text;
using Edge.Agent.CloudClient;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Shared.Inference;
using Edge.Shared.Observability;
using Polly.CircuitBreaker;
using static Edge.Shared.Observability.PrometheusText;

/// <summary>Renders <see cref="AgentMetrics"/> and the live state in the Prometheus text format 0.0.4.</summary>
internal sealed class PrometheusWriter
{
    private readonly AgentMetrics _metrics;
    private readonly LiveConfig _live;
    private readonly IModelInfo _model;
    private readonly CloudCircuit _circuit;
    private readonly CloudThrottle _throttle;
    private readonly AuditSampler _audit;
    private readonly UpdateMetrics? _updates;

    public PrometheusWriter(
        AgentMetrics metrics, LiveConfig live, IModelInfo model, CloudCircuit circuit, CloudThrottle throttle, AuditSampler audit, UpdateMetrics? updates = null)
    {
        _updates = updates;
        _metrics = metrics;
        _live = live;
        _model = model;
        _circuit = circuit;
        _throttle = throttle;
        _audit = audit;
    }

    public string Write()
    {
        var w = new StringBuilder(4096);
        Family(w, "edge_agent_requests_total", "counter", "Answered inference requests by the path that answered.");
        foreach (var d in AgentMetrics.Decisions)
        {
            Sample(w, "edge_agent_requests_total", _metrics.Requests(d).Value, ("decision", Label(d)));
        }

        Family(w, "edge_agent_request_errors_total", "counter", "Requests refused with a 4xx, by reason.");
        foreach (var (reason, counter) in _metrics.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Sample(w, "edge_agent_request_errors_total", counter.Value, ("reason", reason));
        }

        Family(w, "edge_agent_request_duration_seconds", "histogram", "Time inside the agent from request body read to answer.");
        foreach (var d in AgentMetrics.Decisions)
        {
            HistogramSamples(w, "edge_agent_request_duration_seconds", _metrics.Latency(d), ("decision", Label(d)));
        }

        Family(w, "edge_agent_degraded_total", "counter", "LocalDegraded answers by why the cloud was not used.");
        foreach (var (reason, counter) in _metrics.Degraded.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Sample(w, "edge_agent_degraded_total", counter.Value, ("reason", reason));
        }

        var settings = _live.Current;
        Family(w, "edge_agent_threshold", "gauge", "Routing threshold in force (score >= threshold answers locally).");
        Sample(w, "edge_agent_threshold", settings.Threshold);
        Family(w, "edge_agent_threshold_source", "gauge", "Which scope set the threshold in force (1 for the active one).");
        Sample(w, "edge_agent_threshold_source", 1, ("source", settings.ThresholdSource?.ToString().ToLowerInvariant() ?? "default"));
        Family(w, "edge_agent_audit_sample_rate", "gauge", "Share of Local answers audited by the cloud.");
        Sample(w, "edge_agent_audit_sample_rate", settings.AuditSampleRate);
        Family(w, "edge_agent_config_changes_total", "counter", "Routing settings applied live since start.");
        Sample(w, "edge_agent_config_changes_total", _live.AppliedCount);

        Family(w, "edge_agent_model_info", "gauge", "The model being served.");
        Sample(w, "edge_agent_model_info", 1, ("name", _model.ModelName), ("version", _model.ModelVersion));
        Family(w, "edge_agent_execution_provider_info", "gauge", "The ONNX Runtime execution provider serving the model.");
        Sample(w, "edge_agent_execution_provider_info", 1, ("provider", _model.ExecutionProvider));

        var state = _circuit.State;
        Family(w, "edge_agent_cloud_circuit_state", "gauge", "Cloud circuit breaker state (1 for the current one).");
        foreach (var s in new[] { CircuitState.Closed, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Isolated })
        {
            Sample(w, "edge_agent_cloud_circuit_state", s == state ? 1 : 0, ("state", s.ToString().ToLowerInvariant()));
        }

        Family(w, "edge_agent_cloud_throttled", "gauge", "1 while the cloud's Retry-After pause is in force.");
        Sample(w, "edge_agent_cloud_throttled", _throttle.IsThrottled ? 1 : 0);

        Family(w, "edge_agent_audit_samples_total", "counter", "Audit samples by outcome: sent live, deferred to the outbox, dropped (no outbox), failed live calls.");
        Sample(w, "edge_agent_audit_samples_total", _metrics.AuditSent.Value, ("result", "sent"));
        Sample(w, "edge_agent_audit_samples_total", _metrics.AuditDeferred.Value, ("result", "deferred"));
        Sample(w, "edge_agent_audit_samples_total", _metrics.AuditDropped.Value, ("result", "dropped"));
        Sample(w, "edge_agent_audit_samples_total", _metrics.AuditFailed.Value, ("result", "failed"));
        Family(w, "edge_agent_audit_agreement_total", "counter", "Answered audits by whether the cloud agreed with the local label.");
        Sample(w, "edge_agent_audit_agreement_total", _metrics.AuditAgreed.Value, ("result", "agree"));
        Sample(w, "edge_agent_audit_agreement_total", _metrics.AuditDisagreed.Value, ("result", "disagree"));
        Family(w, "edge_agent_audit_in_flight", "gauge", "Audit calls running now.");
        Sample(w, "edge_agent_audit_in_flight", _audit.InFlight);
        Family(w, "edge_agent_hard_examples_total", "counter", "LocalDegraded samples handed to the hard-example sink.");
        Sample(w, "edge_agent_hard_examples_total", _metrics.HardExamples.Value);
        WriteOutbox(w);
        WriteUpdates(w);
        return w.ToString();
    }

    private void WriteUpdates(StringBuilder w)
    {
        if (_updates is not { } u)
        {
            return;
        }

        Family(w, "edge_agent_update_state", "gauge", "Model update state (1 for the current one).");
        foreach (var s in Enum.GetValues<Edge.Shared.Updates.UpdateState>())
        {
            Sample(w, "edge_agent_update_state", s == u.State ? 1 : 0, ("state", s.ToString().ToLowerInvariant()));
        }

        Family(w, "edge_agent_update_blocks_total", "counter", "Update payload blocks by what happened to them.");
        Sample(w, "edge_agent_update_blocks_total", u.BlocksRequested.Value, ("result", "requested"));
        Sample(w, "edge_agent_update_blocks_total", u.BlocksReceived.Value, ("result", "received"));
        Sample(w, "edge_agent_update_blocks_total", u.BlocksRerequested.Value, ("result", "rerequested"));
        Sample(w, "edge_agent_update_blocks_total", u.TruncatedBlocks.Value, ("result", "truncated"));
        Sample(w, "edge_agent_update_blocks_total", u.IgnoredFrames.Value, ("result", "ignored"));
        Sample(w, "edge_agent_update_blocks_total", u.BadHashBlocks.Value, ("result", "bad_hash"));
        Sample(w, "edge_agent_update_blocks_total", u.OversizedFrames.Value, ("result", "oversized"));
        Family(w, "edge_agent_model_swaps_total", "counter", "Models swapped in by updates (rollbacks not counted).");
        Sample(w, "edge_agent_model_swaps_total", u.Swaps.Value);
        Family(w, "edge_agent_updates_total", "counter", "Finished updates by outcome (applied, rolled_back, failed_<reason>).");
        foreach (var (outcome, counter) in u.Outcomes.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Sample(w, "edge_agent_updates_total", counter.Value, ("outcome", outcome));
        }
    }

    private void WriteOutbox(StringBuilder w)
    {
        Family(w, "edge_agent_outbox_entries", "gauge", "Entries waiting in the outbox for the cloud.");
        Sample(w, "edge_agent_outbox_entries", _metrics.OutboxEntries.Value);
        Family(w, "edge_agent_outbox_bytes", "gauge", "Payload bytes waiting in the outbox.");
        Sample(w, "edge_agent_outbox_bytes", _metrics.OutboxBytes.Value);
        Family(w, "edge_agent_outbox_enqueued_total", "counter", "Entries written to the outbox.");
        Sample(w, "edge_agent_outbox_enqueued_total", _metrics.OutboxEnqueued.Value);
        Family(w, "edge_agent_outbox_uploaded_total", "counter", "Entries the cloud acknowledged.");
        Sample(w, "edge_agent_outbox_uploaded_total", _metrics.OutboxUploaded.Value);
        Family(w, "edge_agent_outbox_upload_failures_total", "counter", "Upload attempts that failed and were retried later.");
        Sample(w, "edge_agent_outbox_upload_failures_total", _metrics.OutboxUploadFailures.Value);
        Family(w, "edge_agent_outbox_dropped_total", "counter", "Entries dropped without reaching the cloud, by policy reason and kind.");
        foreach (var ((reason, kind), counter) in _metrics.OutboxDropped.OrderBy(e => e.Key.Reason, StringComparer.Ordinal).ThenBy(e => e.Key.Kind, StringComparer.Ordinal))
        {
            Sample(w, "edge_agent_outbox_dropped_total", counter.Value, ("reason", reason), ("kind", kind));
        }
    }

    private static string Label(Decision decision) => decision switch
    {
        Decision.Local => "local",
        Decision.Cloud => "cloud",
        _ => "local_degraded",
    };
}
