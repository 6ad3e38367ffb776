namespace Edge.Inference;

using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Appends the configured execution providers in order, skipping (with a warning) those this ONNX Runtime
/// build lacks or that refuse to initialise. ORT assigns each node to the first provider that supports it,
/// and CPU, always present, takes the rest. The first provider appended is reported as the active one.
/// </summary>
internal static class ExecutionProviderChain
{
    public const string Cpu = "CPU";

    /// <summary>Short configuration names and the names <see cref="OrtEnv.GetAvailableProviders"/> reports.</summary>
    private static readonly Dictionary<string, string> KnownNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CPU"] = "CPUExecutionProvider",
        ["XNNPACK"] = "XnnpackExecutionProvider",
        ["CUDA"] = "CUDAExecutionProvider",
        ["TensorRT"] = "TensorrtExecutionProvider",
        ["QNN"] = "QNNExecutionProvider",
        ["SNPE"] = "SNPEExecutionProvider",
        ["VSINPU"] = "VSINPUExecutionProvider",
        ["OpenVINO"] = "OpenVINOExecutionProvider",
        ["ROCm"] = "ROCMExecutionProvider",
        ["ACL"] = "ACLExecutionProvider",
        ["ArmNN"] = "ArmNNExecutionProvider",
        ["RKNPU"] = "RknpuExecutionProvider",
    };

    /// <summary>Configures <paramref name="session"/>; returns the appended providers in order, always ending with CPU.</summary>
    public static IReadOnlyList<string> Configure(
        SessionOptions session,
        IEnumerable<string> preferred,
        IDictionary<string, Dictionary<string, string>> providerOptions,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(preferred);
        ArgumentNullException.ThrowIfNull(providerOptions);
        var available = OrtEnv.Instance().GetAvailableProviders();
        var appended = new List<string>();
        foreach (var raw in preferred)
        {
            var name = ShortName(raw);
            if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            if (appended.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!available.Contains(FullName(name), StringComparer.OrdinalIgnoreCase))
            {
                InferenceLog.ProviderUnavailable(logger, name, string.Join(", ", available));
                continue;
            }

            try
            {
                Append(session, name, OptionsFor(providerOptions, name, raw));
                appended.Add(name);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or NotSupportedException or ArgumentException)
            {
                InferenceLog.ProviderFailed(logger, name, e);
            }
        }

        appended.Add(Cpu);
        return appended;
    }

    /// <summary>"XnnpackExecutionProvider" and "xnnpack" both become "XNNPACK".</summary>
    public static string ShortName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var trimmed = name.Trim();
        foreach (var (shortName, fullName) in KnownNames)
        {
            if (string.Equals(trimmed, shortName, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(trimmed, fullName, StringComparison.OrdinalIgnoreCase))
            {
                return shortName;
            }
        }

        return trimmed.EndsWith("ExecutionProvider", StringComparison.OrdinalIgnoreCase)
            ? trimmed[..^"ExecutionProvider".Length]
            : trimmed;
    }

    private static string FullName(string shortName) =>
        KnownNames.TryGetValue(shortName, out var full) ? full : shortName + "ExecutionProvider";

    private static Dictionary<string, string> OptionsFor(
        IDictionary<string, Dictionary<string, string>> all, string name, string raw)
    {
        foreach (var (key, value) in all)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) || string.Equals(key, raw, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return [];
    }

    private static void Append(SessionOptions session, string name, Dictionary<string, string> options)
    {
        switch (name)
        {
            case "CUDA":
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(options);
                    session.AppendExecutionProvider_CUDA(cuda);
                }

                break;
            case "TensorRT":
                using (var trt = new OrtTensorRTProviderOptions())
                {
                    trt.UpdateOptions(options);
                    session.AppendExecutionProvider_Tensorrt(trt);
                }

                break;
            case "ROCm":
                using (var rocm = new OrtROCMProviderOptions())
                {
                    rocm.UpdateOptions(options);
                    session.AppendExecutionProvider_ROCm(rocm);
                }

                break;
            default:
                // XNNPACK, QNN, SNPE, OpenVINO, VSINPU, ...: the generic provider-bridge entry point.
                session.AppendExecutionProvider(name, options);
                break;
        }
    }
}
