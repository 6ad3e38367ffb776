namespace Edge.Cloud.HardExamples;

using Edge.Inference;
using Edge.Shared.Config;
using Edge.Shared.HardExamples;

/// <summary>What an upload must satisfy; the first violation is the 400's detail.</summary>
internal static class HardExampleRules
{
    private const int MaxTextLength = 64;

    /// <returns>Null when valid; otherwise the reason, and whether it is about size (413) rather than content (400).</returns>
    public static (string Reason, bool TooLarge)? Validate(HardExampleUpload upload, HardExampleOptions options)
    {
        if (ConfigRules.ValidateName(upload.DeviceId, "deviceId") is { } name)
        {
            return (name, false);
        }

        if (upload.Items is not { Length: > 0 } items)
        {
            return ("items must be a non-empty array", false);
        }

        if (items.Length > options.MaxBatchItems)
        {
            return ($"a batch holds at most {options.MaxBatchItems} items, not {items.Length}", true);
        }

        for (var i = 0; i < items.Length; i++)
        {
            if (ValidateItem(items[i], options) is { } item)
            {
                return ($"items[{i}]: {item.Reason}", item.TooLarge);
            }
        }

        return null;
    }

    private static (string Reason, bool TooLarge)? ValidateItem(HardExampleItem? item, HardExampleOptions options)
    {
        if (item is null)
        {
            return ("must be an object", false);
        }

        if (item.Id == Guid.Empty)
        {
            return ("id must be a non-empty GUID", false);
        }

        if (item.CreatedAt == default)
        {
            return ("createdAt is required", false);
        }

        if (!InferBody.TryGetFormat(item.ContentType, out _))
        {
            return ($"contentType '{item.ContentType}' is not one of {InferBody.Accepted}", false);
        }

        if (item.Payload is not { Length: > 0 } payload)
        {
            return ("payload must be non-empty base64", false);
        }

        if (payload.Length > options.MaxPayloadBytes)
        {
            return ($"payload is {payload.Length} bytes, over the limit of {options.MaxPayloadBytes}", true);
        }

        if (item.LocalLabel is not { Length: > 0 and <= MaxTextLength })
        {
            return ($"localLabel must be 1–{MaxTextLength} characters", false);
        }

        if (item.Reason is not { Length: > 0 and <= MaxTextLength })
        {
            return ($"reason must be 1–{MaxTextLength} characters", false);
        }

        return double.IsFinite(item.LocalScore) ? null : ("localScore must be a finite number", false);
    }
}
