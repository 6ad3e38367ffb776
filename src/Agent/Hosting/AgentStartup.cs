namespace Edge.Agent.Hosting;

using System.Reflection;
using Edge.Agent.Serving;
using Edge.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Serilog.Events;

/// <summary>
/// The agent as a process (<c>Program.cs</c>). Start-up either succeeds or ends with one critical log line naming the
/// reason and a documented exit code (<see cref="AgentExitCodes"/>, docs/agent.md): never an unhandled exception, a
/// stack trace or SIGABRT.
/// </summary>
/// <remarks>
/// Before the host starts, what can refuse start-up runs in the order an operator should hear about it: options
/// validation (the host would otherwise build its hosted services first, and the first one to read bad options would
/// throw from its constructor), then the model, then every hosted service's construction. The host's own
/// "Hosting failed to start" error, which carries the stack trace, is left out of the log (<see cref="IsHostStartupFaulted"/>):
/// whoever starts the host gets the exception, and here it becomes the one critical line.
/// </remarks>
public static partial class AgentStartup
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = AgentApplication.Create(args);
        }
        catch (Exception e)
        {
            // No logger yet (the configuration itself could not be read): the same one line, on stderr.
            // Create reads configuration (sources, Serilog's section, options registration): what fails here is the
            // configuration's, unless the file system is (an unreadable file, no inotify instances left to watch it).
            var failure = Unwrap(e);
            if (failure is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"[{DateTime.Now:HH:mm:ss} FTL] The agent cannot start: {Describe(failure)}");
                return AgentExitCodes.CannotStart;
            }

            var key = failure.Message.Contains("Serilog level", StringComparison.Ordinal) ? "Serilog:MinimumLevel: " : "";
            await Console.Error.WriteLineAsync($"[{DateTime.Now:HH:mm:ss} FTL] The agent cannot start: invalid configuration: {key}{failure.Message.TrimEnd('.')}");
            return AgentExitCodes.InvalidConfiguration;
        }

        // Building the app already resolved the logger factory (an invalid logging configuration fails Create above).
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        try
        {
            Prepare(app.Services);
            await app.StartAsync();
        }
        catch (Exception e)
        {
            var code = Refuse(loggers, e);
            await DisposeQuietlyAsync(app);
            return code;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return AgentExitCodes.Stopped;
    }

    /// <summary>Runs what can refuse start-up, in the order a failure should be reported; the host reuses what this built.</summary>
    internal static void Prepare(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        services.GetRequiredService<LocalModel>();
        services.GetRequiredService<IEnumerable<IHostedService>>();
    }

    /// <summary>Logs the one critical line for a failed start and picks the exit code.</summary>
    internal static int Refuse(ILoggerFactory loggers, Exception failure)
    {
        var e = Unwrap(failure);
        var logger = loggers.CreateLogger(typeof(AgentStartup));
        var reason = Describe(e);
        switch (e)
        {
            case ModelLoadException model:
                // Normally logged already where the model was first resolved; this covers any other path.
                ModelLoader.LogCannotServe(loggers.CreateLogger<ModelLoader>(), model);
                return AgentExitCodes.ModelUnavailable;
            case var _ when IsConfigurationError(e):
                InvalidConfiguration(logger, reason);
                return AgentExitCodes.InvalidConfiguration;
            default:
                CannotStart(logger, reason);
                return AgentExitCodes.CannotStart;
        }
    }

    /// <summary>The host's "Hosting failed to start" (with the exception's stack trace); see the remarks.</summary>
    internal static bool IsHostStartupFaulted(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: HostCategory }
        && logEvent.Properties.TryGetValue("EventId", out var id) && id is StructureValue eventId
        && eventId.Properties.Any(p => p.Name == "Name" && p.Value is ScalarValue { Value: "HostedServiceStartupFaulted" });

    /// <summary>
    /// An option that fails validation, a value the binder cannot convert ("Failed to convert configuration value
    /// '10s' at 'Updates:BlockTimeout'", an InvalidOperationException over the converter's FormatException) or an
    /// address Kestrel cannot parse (a FormatException).
    /// </summary>
    private static bool IsConfigurationError(Exception e) => e switch
    {
        OptionsValidationException => true,
        FormatException => IsKestrelAddress(e),
        AggregateException aggregate => aggregate.InnerExceptions.All(IsConfigurationError),
        InvalidOperationException => e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal),
        _ => false,
    };

    private static bool IsKestrelAddress(Exception e) =>
        e.Source?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true ||
        e.Source?.StartsWith("Microsoft.AspNetCore.Http", StringComparison.Ordinal) == true;

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } single:
                    e = single.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }

    /// <summary>The exception's message without its final period (the log line goes on after it).</summary>
    private static string Describe(Exception e) => Unwrap(e) switch
    {
        AggregateException many => string.Join("; ", many.InnerExceptions.Select(Describe)),
        OptionsValidationException options => OptionsFailures.Describe(options),
        FormatException address when IsKestrelAddress(address) => $"{AgentOptions.Section}:Urls: {address.Message.TrimEnd('.')}",
        var other when IsConfigurationError(other) => other.Message.TrimEnd('.'),
        var other => $"{other.GetType().Name}: {other.Message.TrimEnd('.')}",
    };

    private static async Task DisposeQuietlyAsync(WebApplication app)
    {
        try
        {
            // Services that started before the failing one are still running: stopped first, they finish their loop
            // instead of meeting disposed stores (and logging stack traces) while the container is torn down.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(stopping.Token);
        }
        catch (Exception)
        {
            // Best effort, as below.
        }

        try
        {
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // Half-built services may not dispose cleanly; the process is ending with the reason already logged.
        }
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Critical, Message = "The agent cannot start: invalid configuration: {Reason}. Fix the named option (appsettings.json, environment, command line)")]
    private static partial void InvalidConfiguration(ILogger logger, string reason);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Critical, Message = "The agent cannot start: {Reason}")]
    private static partial void CannotStart(ILogger logger, string reason);
}
