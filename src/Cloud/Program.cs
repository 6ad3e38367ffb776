using Edge.Cloud;

var app = CloudApplication.Create(args);
await app.RunAsync();
