namespace Edge.Cli.LoadControl;

using System.CommandLine;
using System.CommandLine.Parsing;
using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge thresholds bounds get [SCOPE [TARGET]] | set SCOPE [TARGET] --min A --max B</c>.</summary>
internal static class BoundsCommand
{
    public static Command Create(CliContext context)
    {
        var bounds = new Command("bounds", "Operator limits [min, max] on the threshold at a scope; the load controller moves thresholds only inside them.");
        bounds.Subcommands.Add(Get(context));
        bounds.Subcommands.Add(Set(context));
        return bounds;
    }

    private static Command Get(CliContext context)
    {
        var (scope, target) = Arguments(required: false);
        var command = new Command("get", "Show one scope's bounds, or all stored bounds without a scope.") { scope, target };
        command.Validators.Add(r => CurveCommand.AddError(r, Validate(r.GetValue(scope), r.GetValue(target))));
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var bounds = parse.GetValue(scope) is { } s
                ? [await cloud.FindAsync(Path(s, parse.GetValue(target)), EdgeJsonContext.Default.ScopeBounds, token)
                    ?? throw new CloudException($"no bounds are stored for {Describe(s, parse.GetValue(target))}; [0, 2] applies there")]
                : await cloud.GetAsync("/v1/thresholds/bounds", EdgeJsonContext.Default.ScopeBoundsArray, token);
            context.Console.Write(Table(bounds));
        }, ct));
        return command;
    }

    private static Command Set(CliContext context)
    {
        var (scope, target) = Arguments(required: true);
        var min = new Option<double>("--min") { Description = "Lowest threshold allowed at this scope", Required = true, CustomParser = Numbers.Parser("--min", ConfigRules.MinThreshold, ConfigRules.MaxThreshold) };
        var max = new Option<double>("--max") { Description = "Highest threshold allowed at this scope", Required = true, CustomParser = Numbers.Parser("--max", ConfigRules.MinThreshold, ConfigRules.MaxThreshold) };
        var by = new Option<string?>("--by") { Description = "Operator name for the audit log" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit log" };
        var command = new Command("set", "Set a scope's bounds (fleet, group NAME or device ID).") { scope, target, min, max, by, reason };
        command.Validators.Add(r => CurveCommand.AddError(r,
            Validate(r.GetValue(scope), r.GetValue(target)) ?? Inverted(r, min, max)));
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var body = new ThresholdBounds { Min = parse.GetValue(min), Max = parse.GetValue(max), By = parse.GetValue(by) ?? Environment.UserName, Reason = parse.GetValue(reason) };
            var saved = await cloud.PutJsonAsync(Path(parse.GetValue(scope)!, parse.GetValue(target)), body,
                EdgeJsonContext.Default.ThresholdBounds, EdgeJsonContext.Default.ScopeBounds, token);
            context.Console.Write(Table([saved]));
        }, ct));
        return command;
    }

    private static (Argument<string?> Scope, Argument<string?> Target) Arguments(bool required) =>
        (new Argument<string?>("scope") { Description = "fleet, group or device", Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne },
         new Argument<string?>("target") { Description = "The group name or device id (not for fleet)", Arity = ArgumentArity.ZeroOrOne });

    private static string? Validate(string? scope, string? target) => scope switch
    {
        null => target is null ? null : "give a scope before the target",
        "fleet" => target is null ? null : "the fleet scope takes no target",
        "group" or "device" => target is null ? $"give the {scope}'s {(scope == "group" ? "name" : "id")}" : ConfigRules.ValidateName(target, scope),
        _ => $"unknown scope '{scope}': use fleet, group NAME or device ID",
    };

    /// <summary>Only once both numbers parsed: a number that did not parse has its own error already, and reading it throws.</summary>
    private static string? Inverted(CommandResult r, Option<double> min, Option<double> max)
    {
        if (r.GetResult(min) is null || r.GetResult(max) is null)
        {
            return null;
        }

        try
        {
            var (lo, hi) = (r.GetValue(min), r.GetValue(max));
            return lo > hi ? $"--min {ThresholdBounds.Format(lo)} is greater than --max {ThresholdBounds.Format(hi)}" : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Path(string scope, string? target) => scope == "fleet"
        ? "/v1/thresholds/fleet/bounds"
        : $"/v1/thresholds/{scope}s/{Uri.EscapeDataString(target!)}/bounds";

    private static string Describe(string scope, string? target) => scope == "fleet" ? "the fleet" : $"{scope} '{target}'";

    private static Table Table(IEnumerable<ScopeBounds> bounds)
    {
        var table = new Table().AddColumns("scope", "target", "min", "max", "updated", "by");
        foreach (var b in bounds)
        {
            table.AddRow(b.Scope.ToString().ToLowerInvariant(), Markup.Escape(b.Target ?? "-"), Format.Number(b.Min), Format.Number(b.Max),
                Format.Time(b.UpdatedAt), Markup.Escape(b.UpdatedBy ?? "-"));
        }

        return table;
    }
}
