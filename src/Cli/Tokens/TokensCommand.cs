namespace Edge.Cli.Tokens;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Security;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge tokens create|list|revoke</c>: operator API tokens (admin only).</summary>
internal static class TokensCommand
{
    public static Command Create(CliContext context)
    {
        var tokens = new Command("tokens", "Operator API tokens: create one per person or job, list them, revoke them.");
        tokens.Subcommands.Add(CreateToken(context));
        tokens.Subcommands.Add(List(context));
        tokens.Subcommands.Add(Revoke(context));
        return tokens;
    }

    private static Command CreateToken(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Who or what holds it; the audit log names it" };
        var role = new Option<string>("--role")
        {
            Description = $"One of {string.Join(", ", EdgeRoles.OperatorRoles)}",
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. EdgeRoles.OperatorRoles]);
        var command = new Command("create", "Create a token; its secret is shown this once.") { name, role };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var body = new ApiTokenRequest { Name = parse.GetRequiredValue(name), Role = parse.GetRequiredValue(role) };
            var created = await cloud.PostJsonAsync("/v1/tokens", body, EdgeJsonContext.Default.ApiTokenRequest, EdgeJsonContext.Default.CreatedApiToken, token);
            context.Console.MarkupLine($"created token [bold]{Markup.Escape(created.Info.Id)}[/] ({Markup.Escape(created.Info.Role)}) for {Markup.Escape(created.Info.Name)}; it is not shown again:");

            // Plain, never wrapped, so it can be copied as is.
            context.Console.WriteLine(created.Token);
        }, ct));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List operator tokens (never their secrets).");
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var rows = await cloud.GetAsync("/v1/tokens", EdgeJsonContext.Default.ApiTokenInfoArray, token);
            var table = new Table().AddColumns("id", "name", "role", "created", "by", "revoked");
            foreach (var t in rows)
            {
                table.AddRow(
                    Markup.Escape(t.Id), Markup.Escape(t.Name), Markup.Escape(t.Role), At(t.CreatedAt), Markup.Escape(t.CreatedBy),
                    t.RevokedAt is { } revoked ? At(revoked) : "-");
            }

            context.Console.Write(table);
        }, ct));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The token id (edge tokens list)" };
        var command = new Command("revoke", "Revoke a token: it stops working at once on this cloud, within seconds on every replica.") { id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            await cloud.SendAsync(HttpMethod.Delete, $"/v1/tokens/{Uri.EscapeDataString(parse.GetRequiredValue(id))}", token);
            context.Console.MarkupLine($"revoked token {Markup.Escape(parse.GetRequiredValue(id))}");
        }, ct));
        return command;
    }

    private static string At(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
