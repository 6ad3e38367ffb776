namespace Edge.TestSupport.Faults;

/// <summary>What <see cref="TcpFaultProxy"/> does to the link; switchable at run time.</summary>
public enum FaultMode
{
    /// <summary>Forwards both ways.</summary>
    Pass,

    /// <summary>Accepts connections but never forwards or answers (a dead route): callers wait for their own timeouts.</summary>
    Blackhole,

    /// <summary>Resets every connection at once, new and existing.</summary>
    Reset,

    /// <summary>Forwards each chunk after <see cref="TcpFaultProxy.Delay"/>.</summary>
    Delay,

    /// <summary>Stops listening, so connects are refused; existing connections are reset.</summary>
    Drop,
}
