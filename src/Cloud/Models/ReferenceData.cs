namespace Edge.Cloud.Models;

using System.Globalization;
using Edge.ModelTools.Data;

/// <summary>
/// What can be checked of a reference set before any model exists: it parses, every sample has a label, tensors agree
/// in length and fit the values a publish may hold. Labels against the model's and the input size are checked at each
/// publish, where a manifest says what they must be.
/// </summary>
internal static class ReferenceData
{
    /// <summary>The parsed set.</summary>
    /// <exception cref="DataSetException">Not data, unlabelled, ragged or too large; the message says which sample.</exception>
    public static LabeledData Parse(byte[] bytes, string name, long maxValues)
    {
        var data = LabeledData.Parse(bytes, $"reference set of {name}");
        if (data.Samples.FirstOrDefault(s => string.IsNullOrEmpty(s.Label)) is { } unlabelled)
        {
            throw new DataSetException($"{unlabelled.Origin} has no label; a reference set judges top-1 accuracy, so every sample needs the label it should get");
        }

        var tensors = data.Samples.Where(s => s.Tensor is not null).ToList();
        if (tensors.Count > 0 && tensors.FirstOrDefault(s => s.Tensor!.Length != tensors[0].Tensor!.Length) is { } ragged)
        {
            throw new DataSetException(string.Create(CultureInfo.InvariantCulture,
                $"{ragged.Origin} has {ragged.Tensor!.Length} values where {tensors[0].Origin} has {tensors[0].Tensor!.Length}; every tensor of one reference set has the same shape"));
        }

        var values = tensors.Sum(s => (long)s.Tensor!.Length);
        if (values > maxValues)
        {
            throw new DataSetException(string.Create(CultureInfo.InvariantCulture,
                $"the reference set holds {values} tensor values; at most {maxValues} (Models:MaxDataValues) fit: send a representative subset"));
        }

        return data;
    }

    /// <summary>The floor as a share in [0, 1], or why not.</summary>
    public static (double Floor, string? Error) ParseFloor(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (0, "the 'floor' field is missing: the minimum top-1 accuracy (0 to 1) a publish must reach on the reference set");
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var floor) && double.IsFinite(floor) && floor is >= 0 and <= 1
            ? (floor, null)
            : (0, $"floor '{text}' must be a number from 0 to 1 (a share of the reference set: 0.95 is 95 %)");
    }
}
