namespace Edge.Inference;

using Edge.Shared.Models;

/// <summary>
/// Where an image goes in the model's H × W for each <see cref="ModelInput.Resize"/> mode: the part of the image that
/// is read and the rectangle of the input it is resampled into (the rest is padding).
/// </summary>
internal static class ImageFit
{
    public static (Area Source, Area Placed) Place(string mode, int imageWidth, int imageHeight, int width, int height)
    {
        var whole = new Area(0, 0, imageWidth, imageHeight);
        var input = new Area(0, 0, width, height);
        switch (mode)
        {
            case ResizeModes.CenterCrop:
            {
                // The largest centred part of the image with the input's aspect ratio, stretched to fill it.
                var scale = Math.Max((double)width / imageWidth, (double)height / imageHeight);
                var w = Math.Clamp((int)Math.Round(width / scale), 1, imageWidth);
                var h = Math.Clamp((int)Math.Round(height / scale), 1, imageHeight);
                return (new Area((imageWidth - w) / 2, (imageHeight - h) / 2, w, h), input);
            }

            case ResizeModes.Letterbox:
            {
                // The whole image at its own aspect ratio, centred, padded on the short sides.
                var scale = Math.Min((double)width / imageWidth, (double)height / imageHeight);
                var w = Math.Clamp((int)Math.Round(imageWidth * scale), 1, width);
                var h = Math.Clamp((int)Math.Round(imageHeight * scale), 1, height);
                return (whole, new Area((width - w) / 2, (height - h) / 2, w, h));
            }

            default:
                return (whole, input);
        }
    }

    public readonly record struct Area(int X, int Y, int Width, int Height);
}
