namespace Edge.Cli.Rollouts;

using System.CommandLine;
using Edge.Cli.Cloud;

/// <summary><c>--watch [--interval S]</c>: follow a rollout until it completes, halts or is aborted.</summary>
internal sealed class WatchOptions
{
    private readonly Option<bool> _watch = new("--watch")
    {
        Description = "Follow the rollout until it is Completed (exit 0), Halted (exit 3) or Aborted (exit 4)",
    };

    private readonly Option<double> _interval = new("--interval")
    {
        Description = "Seconds between polls while watching",
        DefaultValueFactory = _ => 2,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_watch);
        command.Options.Add(_interval);
        _interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var s && (!double.IsFinite(s) || s is <= 0 or > 3600))
            {
                result.AddError($"--interval must be a number of seconds within (0, 3600], not {Format.Number(s)}");
            }
        });
    }

    public bool IsOn(ParseResult parse) => parse.GetValue(_watch);

    public TimeSpan Interval(ParseResult parse) => TimeSpan.FromSeconds(parse.GetValue(_interval));
}
