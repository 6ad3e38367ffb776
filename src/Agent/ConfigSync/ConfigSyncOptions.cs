namespace Edge.Agent.ConfigSync;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Config;

/// <summary>Section <c>ConfigSync</c>: how far a desired config may run ahead of what the device applied.</summary>
internal sealed class ConfigSyncOptions
{
    public const string Section = "ConfigSync";

    /// <summary>
    /// A desired config more than this many versions past the newest one applied in the same epoch is refused: the
    /// cloud's sequence moves by one per change, so such a jump is a forgery meant to outrank every later change.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxVersionJump { get; set; } = ConfigRules.DefaultMaxVersionJump;
}
