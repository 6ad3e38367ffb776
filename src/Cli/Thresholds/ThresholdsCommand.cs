namespace Edge.Cli.Thresholds;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge thresholds get|set|reset-epoch [--fleet|--group G|--device D] [value]</c> against <c>/v1/thresholds</c>.</summary>
internal static class ThresholdsCommand
{
    public static Command Create(CliContext context)
    {
        var thresholds = new Command("thresholds", "Read and change the confidence thresholds devices answer locally above.");
        thresholds.Subcommands.Add(Get(context));
        thresholds.Subcommands.Add(Set(context));
        thresholds.Subcommands.Add(ResetEpoch(context));
        thresholds.Subcommands.Add(LoadControl.BoundsCommand.Create(context));
        return thresholds;
    }

    private static Command Get(CliContext context)
    {
        var scope = new ScopeOptions();
        var command = new Command("get", "Show one scope's setting, or every setting without a scope option.");
        scope.AddTo(command, required: false);
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var settings = scope.Path(parse) is { } path
                ? [await cloud.FindAsync(path, EdgeJsonContext.Default.ScopeSetting, token)
                    ?? throw new CloudException($"no setting at {scope.Describe(parse)}; devices there use a less specific scope")]
                : await cloud.GetAsync("/v1/thresholds", EdgeJsonContext.Default.ScopeSettingArray, token);
            context.Console.Write(Table(settings));
        }, ct));
        return command;
    }

    private static Command Set(CliContext context)
    {
        var scope = new ScopeOptions();
        var value = new Argument<double>("value") { Description = "Threshold in [0, 1]; above 1 sends everything to the cloud" };
        var by = new Option<string?>("--by") { Description = "Operator name for the audit log" };
        var command = new Command("set", "Set a scope's threshold; the scope's other fields (audit rate, score function) are kept.") { value, by };
        scope.AddTo(command, required: true);
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var path = scope.Path(parse)!;

            // A PUT replaces the whole scope setting, so read it first to change only the threshold.
            var current = await cloud.FindAsync(path, EdgeJsonContext.Default.ScopeSetting, token);
            var update = new ThresholdUpdate
            {
                Threshold = parse.GetValue(value),
                AuditSampleRate = current?.AuditSampleRate,
                ScoreFunction = current?.ScoreFunction,
                By = parse.GetValue(by) ?? Environment.UserName,
            };
            var saved = await cloud.PutJsonAsync(path, update, EdgeJsonContext.Default.ThresholdUpdate, EdgeJsonContext.Default.ScopeSetting, token);
            context.Console.Write(Table([saved]));
        }, ct));
        return command;
    }

    private static Command ResetEpoch(CliContext context)
    {
        var by = new Option<string?>("--by") { Description = "Operator name for the log" };
        var command = new Command(
            "reset-epoch",
            "Start a new config epoch and republish every setting in it: devices replace whatever they hold, a forged version included.") { by };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var who = Uri.EscapeDataString(parse.GetValue(by) ?? Environment.UserName);
            var reset = await cloud.PostAsync($"/v1/thresholds/epoch?by={who}", EdgeJsonContext.Default.ConfigEpochReset, token);
            context.Console.MarkupLine(reset.Republished is { } count
                ? $"Epoch [bold]{Markup.Escape(reset.Epoch)}[/]: republished {count.ToString(CultureInfo.InvariantCulture)} setting(s)."
                : $"Epoch [bold]{Markup.Escape(reset.Epoch)}[/]: the broker is unreachable; the settings go out in it on the next connection.");
        }, ct));
        return command;
    }

    private static Table Table(IEnumerable<Edge.Shared.Config.ScopeSetting> settings)
    {
        var table = new Table().AddColumns("scope", "target", "threshold", "audit rate", "score function", "version", "updated", "by");
        foreach (var s in settings)
        {
            table.AddRow(
                s.Scope.ToString().ToLowerInvariant(), Markup.Escape(s.Target ?? "-"), Number(s.Threshold), Number(s.AuditSampleRate),
                s.ScoreFunction?.ToString() ?? "-", s.Version.ToString(CultureInfo.InvariantCulture),
                s.UpdatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), Markup.Escape(s.UpdatedBy ?? "-"));
        }

        return table;
    }

    private static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "-";
}
