namespace Edge.TestSupport;

using System.Diagnostics;
using System.Reflection;

public static class Build
{
    /// <summary>
    /// False in a Debug build, where unoptimized code allocates and behaves unlike what ships; allocation
    /// checks skip themselves there (./test.sh runs Release).
    /// </summary>
    public static bool IsOptimized { get; } =
        typeof(Build).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
}
