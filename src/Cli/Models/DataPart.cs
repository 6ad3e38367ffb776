namespace Edge.Cli.Models;

using System.Net.Http.Headers;
using Edge.Cli.Cloud;
using Edge.ModelTools.Data;

/// <summary>
/// A <c>calibration</c> or <c>heldout</c> form part from what the user has: an ImageFolder directory becomes JSON
/// lines of base64 images (one part, labels from the folder names); a file goes as it is and the cloud reads it.
/// </summary>
internal static class DataPart
{
    public static async Task AddAsync(MultipartFormDataContent form, string part, string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        byte[] bytes;
        if (Directory.Exists(path))
        {
            LabeledData data;
            try
            {
                data = LabeledData.ReadImageFolder(path);
            }
            catch (DataSetException e)
            {
                throw new CloudException($"--{part}: {e.Message}", ExitCodes.Usage, e);
            }

            try
            {
                using var lines = new MemoryStream();
                data.WriteJsonLines(lines);
                bytes = lines.ToArray();
            }
            catch (IOException e)
            {
                throw new CloudException($"--{part} '{path}' is too large to send in one upload ({e.Message}); send a representative subset", ExitCodes.Usage, e);
            }
        }
        else if (File.Exists(path))
        {
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CloudException($"--{part} '{Path.GetFullPath(path)}' cannot be read: {e.Message}", ExitCodes.Usage, e);
            }
        }
        else
        {
            throw new CloudException($"--{part} '{Path.GetFullPath(path)}' is neither a data file nor an image folder", ExitCodes.Usage);
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        form.Add(content, part, part + ".jsonl");
    }
}
