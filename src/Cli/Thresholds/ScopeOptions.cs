namespace Edge.Cli.Thresholds;

using System.CommandLine;
using Edge.Shared.Config;

/// <summary><c>--fleet | --group G | --device D</c>: exactly one (or none, where a command allows it).</summary>
internal sealed class ScopeOptions(string fleet = "The fleet-wide setting", string group = "A device group's setting", string device = "One device's setting")
{
    private readonly Option<bool> _fleet = new("--fleet") { Description = fleet };
    private readonly Option<string?> _group = new("--group") { Description = group };
    private readonly Option<string?> _device = new("--device") { Description = device };

    public void AddTo(Command command, bool required)
    {
        command.Options.Add(_fleet);
        command.Options.Add(_group);
        command.Options.Add(_device);
        command.Validators.Add(result =>
        {
            var given = (result.GetValue(_fleet) ? 1 : 0) + (result.GetValue(_group) is null ? 0 : 1) + (result.GetValue(_device) is null ? 0 : 1);
            if (given > 1 || (required && given == 0))
            {
                result.AddError(required ? "give exactly one of --fleet, --group G, --device D" : "give at most one of --fleet, --group G, --device D");
            }
        });
    }

    /// <summary>The API path of the chosen scope, or null for none.</summary>
    public string? Path(ParseResult parse) =>
        parse.GetValue(_group) is { } group ? $"/v1/thresholds/groups/{Uri.EscapeDataString(group)}"
        : parse.GetValue(_device) is { } device ? $"/v1/thresholds/devices/{Uri.EscapeDataString(device)}"
        : parse.GetValue(_fleet) ? "/v1/thresholds/fleet"
        : null;

    /// <summary>The chosen scope and its target (null for the fleet), or null for none.</summary>
    public (ConfigScope Scope, string? Target)? Chosen(ParseResult parse) =>
        parse.GetValue(_group) is { } group ? (ConfigScope.Group, group)
        : parse.GetValue(_device) is { } device ? (ConfigScope.Device, device)
        : parse.GetValue(_fleet) ? (ConfigScope.Fleet, null)
        : null;

    public string Describe(ParseResult parse) =>
        parse.GetValue(_group) is { } group ? $"group '{group}'" : parse.GetValue(_device) is { } device ? $"device '{device}'" : "fleet scope";
}
