namespace Edge.Cli.Models;

using System.CommandLine;
using Edge.Cli.Cloud;

/// <summary><c>edge models …</c>: the cloud's model registry.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var models = new Command("models", "Inspect and calibrate your own models, publish them to the cloud's registry (optionally quantized to INT8), list them, and set the reference set each publish is judged on.");
        models.Subcommands.Add(InspectCommand.Create(context));
        models.Subcommands.Add(CalibrateCommand.Create(context));
        models.Subcommands.Add(PublishCommand.Create(context));
        models.Subcommands.Add(ListCommand.Create(context));
        models.Subcommands.Add(ReferenceCommand.Create(context));
        return models;
    }
}
