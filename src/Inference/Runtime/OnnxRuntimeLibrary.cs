namespace Edge.Inference;

using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Points the managed ONNX Runtime at a vendor <c>libonnxruntime.so</c> (XNNPACK, QNN, TensorRT builds).
/// .NET binds a P/Invoke library once per process, so this must run before the first ORT call and only the
/// first path wins; later requests for another path are logged and ignored.
/// </summary>
internal static class OnnxRuntimeLibrary
{
    private const string LibraryName = "onnxruntime";
    private static readonly Lock Gate = new();
    private static string? _boundPath;
    private static IntPtr _handle;

    /// <summary>Returns true when <paramref name="path"/> is (now) the library ORT resolves to.</summary>
    public static bool TryUse(string path, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(logger);
        var fullPath = Path.GetFullPath(path);
        lock (Gate)
        {
            if (_boundPath is not null)
            {
                if (!string.Equals(_boundPath, fullPath, StringComparison.Ordinal))
                {
                    InferenceLog.NativeLibraryIgnored(logger, fullPath, _boundPath);
                }

                return string.Equals(_boundPath, fullPath, StringComparison.Ordinal);
            }

            IntPtr handle;
            try
            {
                handle = NativeLibrary.Load(fullPath);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or ArgumentException)
            {
                InferenceLog.NativeLibraryFailed(logger, fullPath, e);
                return false;
            }

            try
            {
                NativeLibrary.SetDllImportResolver(typeof(InferenceSession).Assembly, Resolve);
            }
            catch (InvalidOperationException e)
            {
                // A resolver is already set: ONNX Runtime was initialised before we got here, so it keeps its library.
                NativeLibrary.Free(handle);
                _boundPath = "(the bundled library, already initialised)";
                InferenceLog.NativeLibraryFailed(logger, fullPath, e);
                return false;
            }

            _handle = handle;
            _boundPath = fullPath;
            InferenceLog.NativeLibraryLoaded(logger, fullPath);
            return true;
        }
    }

    private static IntPtr Resolve(string libraryName, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, LibraryName, StringComparison.Ordinal) ? _handle : IntPtr.Zero;
}
