namespace Edge.ModelTools.Quantization;

using System.Runtime.InteropServices;

/// <summary>The integer type of quantized activations (weights are always int8, symmetric, per channel).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The names are ONNX's tensor types, as in --quantize int8.")]
public enum ActivationType
{
    /// <summary><see cref="Int8"/> on ARM, <see cref="UInt8"/> on x86/x64: see <see cref="ActivationTypes.Resolve"/>.</summary>
    Auto,

    /// <summary>U8S8: ONNX Runtime's x86 kernels (AVX2/AVX-512 without VNNI) are built around unsigned activations.</summary>
    UInt8,

    /// <summary>S8S8: ONNX Runtime's recommendation for ARM (and its default QDQ format on VNNI-capable x86).</summary>
    Int8,
}

internal static class ActivationTypes
{
    /// <summary>Chooses for the machine the model will run on when that is this machine's architecture.</summary>
    public static ActivationType Resolve(ActivationType type, Architecture architecture) => type switch
    {
        ActivationType.Auto => architecture is Architecture.Arm64 or Architecture.Arm ? ActivationType.Int8 : ActivationType.UInt8,
        _ => type,
    };

    public static ActivationType Resolve(ActivationType type) => Resolve(type, RuntimeInformation.ProcessArchitecture);

    public static (int Min, int Max) Range(ActivationType type) =>
        type == ActivationType.Int8 ? (sbyte.MinValue, sbyte.MaxValue) : (byte.MinValue, byte.MaxValue);
}
