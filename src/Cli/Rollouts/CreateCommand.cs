namespace Edge.Cli.Rollouts;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Cli.Thresholds;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Spectre.Console;

/// <summary><c>edge rollouts create --model M --version V (--fleet | --group G | --device D) [--canary P] [--max-failure-share S] [--allow-rollback] [--watch]</c>.</summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A published model name", Required = true };
        var version = new Option<string>("--version") { Description = "The published version to roll out", Required = true };
        var canary = new Option<double?>("--canary") { Description = "Percent of the targeted devices that get it first, within [0, 100] (cloud default 10; at least one device)" };
        var share = new Option<double?>("--max-failure-share") { Description = "Halt when failed-or-rolled-back / targeted exceeds this, within [0, 1] (cloud default 0.2)" };
        var rollback = new Option<bool>("--allow-rollback") { Description = "The version may be lower than the one devices run: the package is signed as a rollback (devices refuse a downgrade otherwise)" };
        var scope = new ScopeOptions("Every device that reported config", "The devices that reported this group", "This device id (it need not have reported yet)");
        var watch = new WatchOptions();
        var command = new Command("create", "Start a staged rollout of a published model version to the fleet, a group or one device.") { model, version, canary, share, rollback };
        scope.AddTo(command, required: true);
        watch.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(canary) is { } c && (!double.IsFinite(c) || c is < 0 or > 100))
            {
                result.AddError($"--canary must be a percentage within [0, 100], not {Format.Number(c)}");
            }

            if (result.GetValue(share) is { } s && (!double.IsFinite(s) || s is < 0 or > 1))
            {
                result.AddError($"--max-failure-share must be a share within [0, 1], not {Format.Number(s)}");
            }
        });
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var (chosen, target) = scope.Chosen(parse)!.Value;
            var request = new RolloutRequest
            {
                Model = parse.GetRequiredValue(model),
                Version = parse.GetRequiredValue(version),
                Scope = chosen,
                Target = target,
                CanaryPercent = parse.GetValue(canary),
                MaxFailureShare = parse.GetValue(share),
                AllowRollback = parse.GetValue(rollback) ? true : null,
            };
            var rollout = await cloud.PostJsonAsync("/v1/rollouts", request, EdgeJsonContext.Default.RolloutRequest, EdgeJsonContext.Default.Rollout, token);
            context.Console.MarkupLine($"created rollout [bold]{Markup.Escape(rollout.Id)}[/]");
            if (!watch.IsOn(parse))
            {
                context.Console.Write(RolloutView.Summary(rollout));
                return ExitCodes.Success;
            }

            return await new RolloutWatcher(context, cloud, watch.Interval(parse)).WatchAsync(rollout.Id, token);
        }, ct));
        return command;
    }
}
