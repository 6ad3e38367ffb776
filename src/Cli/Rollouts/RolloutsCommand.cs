namespace Edge.Cli.Rollouts;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge rollouts create|list|show|resume|abort</c> against <c>/v1/rollouts</c> (docs/updates.md).</summary>
internal static class RolloutsCommand
{
    public static Command Create(CliContext context)
    {
        var rollouts = new Command("rollouts", "Stage a published model version onto devices (canaries first) and follow, resume or abort it.");
        rollouts.Subcommands.Add(CreateCommand.Create(context));
        rollouts.Subcommands.Add(List(context));
        rollouts.Subcommands.Add(ShowCommand.Create(context));
        rollouts.Subcommands.Add(Action(context, "resume", "Resume a halted rollout: failures so far are acknowledged, the current phase is re-sent."));
        rollouts.Subcommands.Add(Action(context, "abort", "Abort a rollout: devices that have not applied it no longer have it desired."));
        return rollouts;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List rollouts with their state and device counts.");
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var rows = await cloud.GetAsync("/v1/rollouts", EdgeJsonContext.Default.RolloutArray, token);
            if (rows.Length == 0)
            {
                context.Console.MarkupLine("[grey]no rollouts[/]");
                return;
            }

            context.Console.Write(RolloutView.List(rows));
        }, ct));
        return command;
    }

    private static Command Action(CliContext context, string verb, string description)
    {
        var id = RolloutId();
        var command = new Command(verb, description) { id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var rollout = await cloud.PostAsync($"/v1/rollouts/{Uri.EscapeDataString(parse.GetRequiredValue(id))}/{verb}", EdgeJsonContext.Default.Rollout, token);
            context.Console.Write(RolloutView.Summary(rollout));
        }, ct));
        return command;
    }

    internal static Argument<string> RolloutId() => new("id") { Description = "The rollout id (from create or list)" };
}
