namespace Edge.Agent.Serving;

/// <summary>The model the agent is serving right now (read by config sync for the reported state, and by /healthz).</summary>
internal interface IModelInfo
{
    string ModelName { get; }

    string ModelVersion { get; }

    /// <summary>The execution provider that got the session (e.g. <c>CPU</c>, <c>XNNPACK</c>).</summary>
    string ExecutionProvider { get; }

    /// <summary>Raised after an update or a rollback swapped the served model, so reports can follow. Keep handlers short.</summary>
    event Action? Changed;
}
