namespace Edge.Agent.Inference;

/// <summary>The model the agent is serving right now (read by config sync for the reported state, and by /healthz).</summary>
internal interface IModelInfo
{
    string ModelName { get; }

    string ModelVersion { get; }

    /// <summary>The execution provider that got the session (e.g. <c>CPU</c>, <c>XNNPACK</c>).</summary>
    string ExecutionProvider { get; }
}
