namespace Edge.Agent.Hosting;

/// <summary>
/// The agent process's exit codes, as documented in docs/agent.md. sysexits(3) values where one fits, so
/// <c>systemctl status</c> shows them by name (<c>status=78/CONFIG</c>).
/// </summary>
public static class AgentExitCodes
{
    /// <summary>Stopped on request (SIGTERM, Ctrl+C).</summary>
    public const int Stopped = 0;

    /// <summary>Start-up failed for another reason, e.g. the API's address is in use (critical event 8111).</summary>
    public const int CannotStart = 1;

    /// <summary>EX_NOINPUT: no model could be loaded (critical event 1002 names the file and reason).</summary>
    public const int ModelUnavailable = 66;

    /// <summary>EX_CONFIG: an option is invalid (critical event 8110 names it).</summary>
    public const int InvalidConfiguration = 78;
}
