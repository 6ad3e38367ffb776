namespace Edge.Cli.Rollouts;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;

/// <summary><c>edge rollouts show ID [--watch]</c>: the rollout, its counts per state, and a row per device.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var id = RolloutsCommand.RolloutId();
        var watch = new WatchOptions();
        var command = new Command("show", "Show a rollout and each targeted device's phase, state, download and failure.") { id };
        watch.AddTo(command);
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var rolloutId = parse.GetRequiredValue(id);
            if (watch.IsOn(parse))
            {
                return await new RolloutWatcher(context, cloud, watch.Interval(parse)).WatchAsync(rolloutId, token);
            }

            var rollout = await cloud.GetAsync($"/v1/rollouts/{Uri.EscapeDataString(rolloutId)}", EdgeJsonContext.Default.Rollout, token);
            context.Console.Write(RolloutView.Summary(rollout));
            context.Console.Write(RolloutView.Devices(rollout));
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
