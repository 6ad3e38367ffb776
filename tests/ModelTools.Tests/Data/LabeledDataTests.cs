namespace Edge.ModelTools.Tests.Data;

using System.Text;
using Edge.Inference;
using Edge.ModelTools.Data;
using Edge.Shared.Models;
using Edge.TestSupport;

public sealed class LabeledDataTests
{
    private static readonly ModelManifest FlatModel = Quantized.Manifest("byo/byo-flat-softmax");

    [Fact]
    public void Json_lines_give_one_sample_per_line_with_its_tensor_or_image_and_label()
    {
        var png = Convert.ToBase64String(TestImages.DigitPng(HeldOut.Digits[0].Pixels));
        var data = LabeledData.Parse(Encoding.UTF8.GetBytes($"{{\"tensor\":[1,2.5,3],\"label\":\"7\"}}\n\n{{\"image\":\"{png}\",\"label\":3}}\r\n"), "d.jsonl");

        Assert.Equal(2, data.Count);
        Assert.Equal([1f, 2.5f, 3f], data.Samples[0].Tensor!);
        Assert.Equal("7", data.Samples[0].Label);
        Assert.NotNull(data.Samples[1].Image);
        Assert.Equal("3", data.Samples[1].Label);
        Assert.Equal("d.jsonl line 3", data.Samples[1].Origin);
    }

    [Theory]
    [InlineData("{\"tensor\":[1,2],\"label\":\"1\"}\n{\"tensor\":[1,", "d.jsonl line 2")]
    [InlineData("{\"label\":\"1\"}", "exactly one of 'tensor'")]
    [InlineData("{\"tensor\":[1,\"x\"]}", "tensor[1]")]
    [InlineData("{\"image\":\"not base64!\"}", "base64")]
    [InlineData("[1,2,3]", "expected a JSON object")]
    [InlineData("  \n ", "is empty")]
    public void A_malformed_file_is_refused_naming_the_line_and_what_is_wrong(string text, string expected)
    {
        var e = Assert.Throws<DataSetException>(() => LabeledData.Parse(Encoding.UTF8.GetBytes(text), "d.jsonl"));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_digit_data_set_is_read_with_its_class_indices_as_labels()
    {
        var data = LabeledData.Read(RepoPaths.Data("digits-heldout.json"));

        Assert.Equal(HeldOut.Digits.Count, data.Count);
        Assert.Equal(HeldOut.Digits[5].Label.ToString(System.Globalization.CultureInfo.InvariantCulture), data.Samples[5].Label);
    }

    [Fact]
    public void An_image_folder_takes_its_labels_from_the_subfolders_and_ignores_other_files()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.Combine(root.Path, "3"));
        Directory.CreateDirectory(Path.Combine(root.Path, "7"));
        File.WriteAllBytes(Path.Combine(root.Path, "3", "a.png"), TestImages.DigitPng(HeldOut.Digits[0].Pixels));
        File.WriteAllBytes(Path.Combine(root.Path, "7", "b.PNG"), TestImages.DigitPng(HeldOut.Digits[1].Pixels));
        File.WriteAllText(Path.Combine(root.Path, "7", "notes.txt"), "not an image");

        var data = LabeledData.Read(root.Path);

        Assert.Equal(["3", "7"], data.Samples.Select(s => s.Label));
        Assert.Equal(1, data.Ignored);
    }

    [Fact]
    public void An_image_folder_keeps_linked_images_and_label_folders_counts_hidden_files_and_does_not_loop()
    {
        using var root = new TempFolder();
        using var store = new TempFolder();
        File.WriteAllBytes(Path.Combine(store.Path, "a.png"), TestImages.DigitPng(HeldOut.Digits[0].Pixels));
        Directory.CreateDirectory(Path.Combine(store.Path, "sevens"));
        File.WriteAllBytes(Path.Combine(store.Path, "sevens", "s.png"), TestImages.DigitPng(HeldOut.Digits[1].Pixels));
        Directory.CreateDirectory(Path.Combine(root.Path, "3"));
        File.CreateSymbolicLink(Path.Combine(root.Path, "3", "a.png"), Path.Combine(store.Path, "a.png"));
        File.WriteAllBytes(Path.Combine(root.Path, "3", ".hidden.png"), TestImages.DigitPng(HeldOut.Digits[2].Pixels));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "3", "loop"), Path.Combine(root.Path, "3"));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "7"), Path.Combine(store.Path, "sevens"));

        var data = LabeledData.Read(root.Path);

        Assert.Equal(["3", "7"], data.Samples.Select(s => s.Label));
        Assert.Equal(1, data.Ignored);
    }

    [Fact]
    public void An_image_folder_without_images_is_refused()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.Combine(root.Path, "cat"));

        var e = Assert.Throws<DataSetException>(() => LabeledData.Read(root.Path));

        Assert.Contains("no images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_the_model_does_not_have_are_refused_naming_them_and_the_models_labels()
    {
        var data = LabeledData.Parse(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat("{\"tensor\":[" + string.Join(',', new int[64]) + "],\"label\":\"eleven\"}", 3))), "bad.jsonl");

        var e = Assert.Throws<DataSetException>(() => PreparedData.From(FlatModel, data, labelled: true, "held-out"));

        Assert.Contains("'eleven' (3 samples", e.Message, StringComparison.Ordinal);
        Assert.Contains("'9'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_that_does_not_decode_is_skipped_and_counted_and_the_rest_are_used()
    {
        var manifest = Quantized.Manifest("digits-cloud");
        var good = Convert.ToBase64String(TestImages.DigitPng(HeldOut.Digits[0].Pixels));
        var broken = Convert.ToBase64String(Encoding.ASCII.GetBytes("\u0089PNG but not really"));
        var data = LabeledData.Parse(Encoding.UTF8.GetBytes($"{{\"image\":\"{good}\",\"label\":\"0\"}}\n{{\"image\":\"{broken}\",\"label\":\"1\"}}"), "d.jsonl");

        var prepared = PreparedData.From(manifest, data, labelled: true, "held-out");

        Assert.Equal(1, prepared.Tensors.Count);
        Assert.Equal(1, prepared.Skipped);
        Assert.Contains("d.jsonl line 2", prepared.Skips[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_that_does_not_fit_the_input_is_an_error_naming_its_line()
    {
        var data = LabeledData.Parse("{\"tensor\":[1,2,3],\"label\":\"1\"}"u8, "d.jsonl");

        var e = Assert.Throws<DataSetException>(() => PreparedData.From(FlatModel, data, labelled: true, "held-out"));

        Assert.Contains("held-out d.jsonl line 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_written_from_data_read_back_as_the_same_labels_tensors_and_images()
    {
        var lines = "{\"tensor\":[0.5,-1,3e-2],\"label\":\"a\"}\n{\"image\":\"" + Convert.ToBase64String(TestImages.DigitPng(HeldOut.Digits[0].Pixels)) + "\",\"label\":\"b\"}\n";
        var data = LabeledData.Parse(Encoding.UTF8.GetBytes(lines), "in.jsonl");
        using var written = new MemoryStream();

        data.WriteJsonLines(written);
        var back = LabeledData.Parse(written.ToArray(), "out.jsonl");

        Assert.Equal(["a", "b"], back.Samples.Select(s => s.Label));
        Assert.Equal(data.Samples[0].Tensor, back.Samples[0].Tensor);
        Assert.Equal(data.Samples[1].Image, back.Samples[1].Image);
    }
}
