namespace Edge.Inference.Tests.Requests;

using System.Text;
using Edge.Inference;
using Edge.Shared.Models;
using Xunit;

/// <summary>The one <c>TensorPayload</c> reader both <c>/v1/infer</c> endpoints use: the JSON bytes straight into a model input.</summary>
public sealed class TensorJsonTests
{
    private static readonly float[] Ramp = Enumerable.Range(0, 64).Select(i => (float)(i % 17)).ToArray();

    [Theory]
    [InlineData("""{"shape":[1,1,8,8],"data":[{ramp}]}""")]
    [InlineData("""{"data":[{ramp}],"shape":[8,8]}""")]
    [InlineData("""{"Shape":[8,8],"DATA":[{ramp}],"label":{"any":["thing"]}}""")]
    [InlineData("""  /* a comment */ {"shape":[8,8,],"data":[{ramp},],} // and another""")]
    [InlineData("\uFEFF{\"shape\":[8,8],\"data\":[{ramp}]}")]
    public void A_tensor_body_gives_the_same_input_as_the_preprocessor(string json)
    {
        var expected = new float[64];
        Digits().FromTensor([8, 8], Ramp, expected);
        var destination = new float[64];

        TensorJson.Preprocess(Body(json), Digits(), destination);

        Assert.Equal(expected, destination);
    }

    [Fact]
    public void Numbers_in_every_json_form_read_as_the_float_they_denote()
    {
        var values = new[] { "0", "-0", "16", "-16", "1234567", "12345678", "0.5", "1e1", "-2.5E-1", "3.0" };
        var json = $$"""{"shape":[8,8],"data":[{{string.Join(',', values)}}{{string.Concat(Enumerable.Repeat(",0", 64 - values.Length))}}]}""";
        var destination = new float[64];

        TensorJson.Preprocess(Encoding.UTF8.GetBytes(json), Identity(), destination);

        Assert.Equal([0f, -0f, 16f, -16f, 1234567f, 12345678f, 0.5f, 10f, -0.25f, 3f], destination[..values.Length]);
    }

    [Theory]
    [InlineData("", "the body is empty")]
    [InlineData("[1,2,3]", "must be a JSON object")]
    [InlineData("""{"shape":[8,8],"data":[1,2,""", "malformed JSON in data[2] (line 1, byte 27)")]
    [InlineData("""{"shape":[8,8],"data":[{ramp}]} trailing""", "malformed JSON")]
    [InlineData("""{"shape":[8,8]}""", "the body has no 'data'")]
    [InlineData("""{"data":[{ramp}]}""", "the body has no 'shape'")]
    [InlineData("""{"shape":"8x8","data":[{ramp}]}""", "'shape' must be an array of integers, got the string")]
    [InlineData("""{"shape":[8,-1],"data":[{ramp}]}""", "shape[1] must be a non-negative integer, got -1")]
    [InlineData("""{"shape":[8,8.5],"data":[{ramp}]}""", "shape[1] must be a non-negative integer, got 8.5")]
    [InlineData("""{"shape":[1,1,1,1,1,1,1,1,1],"data":[1]}""", "'shape' has more than 8 dimensions")]
    [InlineData("""{"shape":[8,8],"data":{"a":1}}""", "'data' must be a flat array of numbers, got an object")]
    [InlineData("""{"shape":[8,8],"data":[1,"2"]}""", "data[1] must be a number, got the string \"2\"")]
    [InlineData("""{"shape":[8,8],"data":[[1]]}""", "data[0] must be a number, got an array")]
    [InlineData("""{"shape":[8,8],"data":[null]}""", "data[0] must be a number, got null")]
    [InlineData("""{"shape":[8,8],"data":[1,NaN]}""", "data[1] (line 1, byte 26): NaN is not a JSON number")]
    [InlineData("""{"shape":[8,8],"data":[-Infinity]}""", "-Infinity is not a JSON number")]
    [InlineData("""{"shape":[8,8],"data":[1e39]}""", "data[0] is 1e39, beyond the range of a float")]
    [InlineData("""{"shape":[1,1,8,9],"data":[{ramp},1,2,3,4,5,6,7,8]}""", "expected shape [1,1,8,8] (64 values), got [1,1,8,9]")]
    [InlineData("""{"shape":[8,8],"data":[1,2,3]}""", "shape [8,8] needs 64 values, got 3")]
    [InlineData("""{"shape":[8,8],"data":[{ramp},{ramp}]}""", "shape [8,8] needs 64 values, got 128")]
    public void A_bad_body_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<InvalidInputException>(() => TensorJson.Preprocess(Body(json), Digits(), new float[64]));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_tensor_body_allocates_nothing()
    {
        var body = Body("""{"shape":[1,1,8,8],"data":[{ramp}]}""");
        var preprocessor = Digits();
        var destination = new float[64];
        TensorJson.Preprocess(body, preprocessor, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            TensorJson.Preprocess(body, preprocessor, destination);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] Body(string json) =>
        Encoding.UTF8.GetBytes(json.Replace("{ramp}", string.Join(',', Ramp.Select(v => (int)v)), StringComparison.Ordinal));

    private static Preprocessor Digits() => Model(1f / 16f);

    private static Preprocessor Identity() => Model(1f);

    private static Preprocessor Model(float rawScale) => new(new ModelInput
    {
        Name = "input",
        Shape = [-1, 1, 8, 8],
        Preprocess = new Preprocess { RawScale = rawScale, Mean = [0f], Std = [1f] },
    });
}
