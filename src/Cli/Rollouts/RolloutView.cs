namespace Edge.Cli.Rollouts;

using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Updates;
using Spectre.Console;

/// <summary>The tables <c>edge rollouts</c> prints.</summary>
internal static class RolloutView
{
    public static Table List(IEnumerable<Rollout> rollouts)
    {
        var table = new Table().AddColumns("id", "model", "version", "scope", "state", "applied", "counts", "canary %", "max failure", "created", "updated");
        foreach (var r in rollouts)
        {
            table.AddRow(
                Markup.Escape(r.Id), Markup.Escape(r.Model), Markup.Escape(r.Version), Markup.Escape(Scope(r)), State(r.State),
                $"{Applied(r)}/{Format.Integer(r.Targeted)}", Markup.Escape(Counts(r)), Format.Number(r.CanaryPercent), Format.Number(r.MaxFailureShare),
                Format.Time(r.CreatedAt), Format.Time(r.UpdatedAt));
        }

        return table;
    }

    public static Grid Summary(Rollout r)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("rollout", Markup.Escape(r.Id));
        grid.AddRow("model", $"{Markup.Escape(r.Model)} {Markup.Escape(r.Version)}");
        grid.AddRow("scope", Markup.Escape(Scope(r)));
        grid.AddRow("state", State(r.State));
        if (r.Reason is { } reason)
        {
            grid.AddRow("reason", Markup.Escape(reason));
        }

        grid.AddRow("canary", $"{Format.Number(r.CanaryPercent)} % of targeted; halts when the failed share exceeds {Format.Number(r.MaxFailureShare)}");
        grid.AddRow("applied", $"{Applied(r)} of {Format.Integer(r.Targeted)} targeted");
        grid.AddRow("counts", Markup.Escape(Counts(r)));
        grid.AddRow("updated", Format.Time(r.UpdatedAt));
        return grid;
    }

    public static Table Devices(Rollout r)
    {
        var table = new Table().AddColumns("device", "phase", "state", "desired", "blocks", "failure / detail", "updated");
        foreach (var d in r.Devices ?? [])
        {
            var failure = string.Join(": ", new[] { d.Failure?.ToString(), d.Detail }.Where(s => !string.IsNullOrEmpty(s)));
            table.AddRow(
                Markup.Escape(d.DeviceId), d.Phase.ToString(), d.State?.ToString() ?? "[grey]Pending[/]", d.Desired ? "yes" : "no",
                Blocks(d), failure.Length == 0 ? "-" : $"[red]{Markup.Escape(failure)}[/]", Format.Time(d.UpdatedAt));
        }

        if (table.Rows.Count == 0)
        {
            table.AddRow("[grey]no devices targeted yet[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    public static string Scope(Rollout r) => r.Scope switch
    {
        ConfigScope.Fleet => "fleet",
        ConfigScope.Group => $"group {r.Target}",
        _ => $"device {r.Target}",
    };

    public static string Counts(Rollout r) =>
        r.Counts.Count == 0 ? "-" : string.Join(", ", r.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Format.Integer(c.Value)}"));

    public static int Applied(Rollout r) => r.Counts.GetValueOrDefault(nameof(UpdateState.Applied));

    public static bool IsFinal(RolloutState state) => state is RolloutState.Completed or RolloutState.Halted or RolloutState.Aborted;

    public static string Blocks(RolloutDevice d) => d.BlocksTotal > 0 ? $"{Format.Integer(d.BlocksReceived)}/{Format.Integer(d.BlocksTotal)}" : "-";

    private static string State(RolloutState state) => state switch
    {
        RolloutState.Completed => "[green]Completed[/]",
        RolloutState.Halted => "[red]Halted[/]",
        RolloutState.Aborted => "[yellow]Aborted[/]",
        _ => state.ToString(),
    };
}
