namespace Edge.Cli.Rollouts;

using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Spectre.Console;

/// <summary>
/// Polls <c>GET /v1/rollouts/{id}</c> behind a progress display (devices applied of targeted, and each device's
/// download from its blocks) until the rollout is final; its state picks the exit code.
/// </summary>
internal sealed class RolloutWatcher(CliContext context, CloudClient cloud, TimeSpan interval)
{
    /// <summary>Beyond this many devices a bar per device tells an operator less than the counts do.</summary>
    private const int MaxDeviceBars = 20;

    public async Task<int> WatchAsync(string id, CancellationToken cancellationToken)
    {
        var path = $"/v1/rollouts/{Uri.EscapeDataString(id)}";
        var rollout = await cloud.GetAsync(path, EdgeJsonContext.Default.Rollout, cancellationToken);
        rollout = await context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async progress =>
            {
                var applied = progress.AddTask("applied", maxValue: 1);
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                while (true)
                {
                    Update(progress, applied, bars, rollout);
                    if (RolloutView.IsFinal(rollout.State))
                    {
                        return rollout;
                    }

                    await Task.Delay(interval, context.Time, cancellationToken);
                    rollout = await cloud.GetAsync(path, EdgeJsonContext.Default.Rollout, cancellationToken);
                }
            });

        context.Console.Write(RolloutView.Summary(rollout));
        context.Console.Write(RolloutView.Devices(rollout));
        return Verdict(rollout);
    }

    private int Verdict(Rollout rollout)
    {
        var id = Markup.Escape(rollout.Id);
        var reason = Markup.Escape(rollout.Reason ?? "no reason given");
        switch (rollout.State)
        {
            case RolloutState.Completed:
                context.Console.MarkupLine($"[green]rollout {id} completed[/]: {RolloutView.Applied(rollout)} of {rollout.Targeted} devices applied it");
                return ExitCodes.Success;
            case RolloutState.Halted:
                context.Console.MarkupLine($"[red]rollout {id} halted:[/] {reason}");
                context.Console.MarkupLine($"[grey]edge rollouts resume {id} to go on, edge rollouts abort {id} to stop[/]");
                return ExitCodes.RolloutHalted;
            default:
                context.Console.MarkupLine($"[yellow]rollout {id} was aborted:[/] {reason}");
                return ExitCodes.RolloutAborted;
        }
    }

    private static void Update(ProgressContext progress, ProgressTask applied, Dictionary<string, ProgressTask> bars, Rollout rollout)
    {
        applied.Description = $"{Markup.Escape(rollout.Id)} {rollout.State}: {RolloutView.Applied(rollout)}/{rollout.Targeted} applied";
        applied.MaxValue = Math.Max(1, rollout.Targeted);
        applied.Value = RolloutView.Applied(rollout);
        foreach (var device in rollout.Devices ?? [])
        {
            if (!bars.TryGetValue(device.DeviceId, out var bar))
            {
                if (bars.Count >= MaxDeviceBars || device.State is null)
                {
                    continue;
                }

                bar = progress.AddTask(Markup.Escape(device.DeviceId), maxValue: 1);
                bars.Add(device.DeviceId, bar);
            }

            bar.Description = $"  {Markup.Escape(device.DeviceId)} {device.State} {RolloutView.Blocks(device)}";
            var done = device.State is UpdateState.Applied or UpdateState.Verifying or UpdateState.SelfTest or UpdateState.HealthCheck;
            bar.MaxValue = Math.Max(1, device.BlocksTotal);
            bar.Value = done ? bar.MaxValue : device.BlocksReceived;
        }
    }
}
