using Edge.Agent.Hosting;

// A start-up that fails ends with one critical line and an exit code from AgentExitCodes (docs/agent.md).
return await AgentStartup.RunAsync(args);
