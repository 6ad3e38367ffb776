namespace Edge.Cli.Keys;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge keys show</c>: the key the cloud signs model packages with, and how devices trust it.</summary>
internal static class KeysCommand
{
    public const string TrustedKeyVariable = "Updates__TrustedKeys__0";

    public static Command Create(CliContext context)
    {
        var keys = new Command("keys", "The cloud's package signing key.");
        var show = new Command("show", $"Show the signing key id and public key, and the {TrustedKeyVariable} line for devices.");
        show.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var key = await cloud.GetAsync("/v1/keys", EdgeJsonContext.Default.SigningKeyInfo, token);
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("key id", Markup.Escape(key.KeyId));
            grid.AddRow("public key", Markup.Escape(key.PublicKey));
            context.Console.Write(grid);
            context.Console.MarkupLine("[grey]devices accept packages signed by this key with (in the agent's environment):[/]");

            // Plain text, never wrapped or marked up, so it can be copied into an env file as is.
            context.Console.WriteLine($"{TrustedKeyVariable}={key.PublicKey}");
        }, ct));
        keys.Subcommands.Add(show);
        return keys;
    }
}
