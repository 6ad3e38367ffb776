namespace Edge.Cli.Devices;

using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Spectre.Console;

/// <summary>The tables <c>edge devices</c> prints.</summary>
internal static class DeviceView
{
    public static Table List(IEnumerable<ReportedConfig> devices)
    {
        var table = new Table().AddColumns("device", "group", "model", "execution provider", "threshold", "source", "applied", "last error");
        foreach (var d in devices)
        {
            table.AddRow(
                Markup.Escape(d.DeviceId), Markup.Escape(d.Group ?? "-"), Markup.Escape(Model(d)), Markup.Escape(d.ExecutionProvider ?? "-"),
                Format.Number(d.Threshold), Source(d.ThresholdSource), Format.Time(d.AppliedAt),
                d.LastError is { } e ? $"[red]{Markup.Escape(e.Reason)}[/]" : "-");
        }

        return table;
    }

    public static Grid Detail(ReportedConfig d)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("device", Markup.Escape(d.DeviceId));
        grid.AddRow("group", Markup.Escape(d.Group ?? "-"));
        grid.AddRow("model", Markup.Escape(Model(d)));
        grid.AddRow("execution provider", Markup.Escape(d.ExecutionProvider ?? "-"));
        grid.AddRow("threshold", $"{Format.Number(d.Threshold)} (from {Source(d.ThresholdSource)})");
        grid.AddRow("audit sample rate", Format.Number(d.AuditSampleRate));
        grid.AddRow("score function", d.ScoreFunction.ToString());
        grid.AddRow("applied versions", $"fleet {Version(d.FleetVersion)}, group {Version(d.GroupVersion)}, device {Version(d.DeviceVersion)}");
        grid.AddRow("applied at", Format.Time(d.AppliedAt));
        if (d.LastError is { } e)
        {
            grid.AddRow("last refused", $"[red]{Markup.Escape(e.Reason)}[/] ({e.Scope?.ToString() ?? "?"} v{Version(e.Version)}, {Format.Time(e.At)})");
        }

        return grid;
    }

    public static string Model(ReportedConfig d) => d.ModelName is null && d.ModelVersion is null ? "-" : $"{d.ModelName ?? "?"} {d.ModelVersion ?? "?"}";

    private static string Source(ConfigScope? scope) => scope?.ToString().ToLowerInvariant() ?? "local default";

    private static string Version(long? version) => version is { } v ? Format.Integer(v) : "-";
}
