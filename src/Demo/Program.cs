using Edge.Demo;

return await DemoRunner.RunAsync(args);
