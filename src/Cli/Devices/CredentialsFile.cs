namespace Edge.Cli.Devices;

using System.Text.Json;
using Edge.Cli.Cloud;
using Edge.Shared.Security;
using Edge.Shared.Serialization;

/// <summary>Writes a device's credentials so that only the file's owner can read them, from the moment it exists.</summary>
internal static class CredentialsFile
{
    public static void Write(string path, DeviceCredentials credentials)
    {
        try
        {
            OwnerOnlyFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(credentials, EdgeJsonContext.Default.DeviceCredentials));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CloudException($"the device is enrolled but its credentials could not be written to {path}: {e.Message}; enroll it again to rotate them", ExitCodes.CloudError, e);
        }
    }
}
