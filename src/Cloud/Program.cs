using Edge.Cloud;
using Edge.Cloud.Hosting;
using Microsoft.Extensions.Options;

var app = CloudApplication.Create(args);
try
{
    // Ahead of the host, which would log the same failure with a stack trace ("Hosting failed to start").
    app.Services.GetService<IStartupValidator>()?.Validate();
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"[{DateTime.Now:HH:mm:ss} FTL] The cloud cannot start: {StartupFailures.Describe(e)}");
    await app.DisposeAsync();
    return StartupFailures.InvalidConfiguration;
}

await app.RunAsync();
return 0;
