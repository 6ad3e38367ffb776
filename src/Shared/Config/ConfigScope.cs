namespace Edge.Shared.Config;

/// <summary>Where a desired setting applies. A device takes the most specific scope that sets a value.</summary>
public enum ConfigScope
{
    Fleet,
    Group,
    Device,
}
