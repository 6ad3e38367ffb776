namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>A package, payload or model the device must not install, with the reason it reports.</summary>
public sealed class PackageRejectedException(UpdateFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public UpdateFailure Failure { get; } = failure;
}
