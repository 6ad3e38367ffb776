using Edge.Agent;

var app = AgentApplication.Create(args);
await app.RunAsync();
