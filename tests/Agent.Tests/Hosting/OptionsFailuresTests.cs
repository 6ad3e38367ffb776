namespace Edge.Agent.Tests.Hosting;

using Edge.Agent.Hosting;
using Edge.Agent.Outbox;
using Edge.Agent.Serving;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class OptionsFailuresTests
{
    [Fact]
    public void A_data_annotation_failure_names_the_configuration_key_not_the_options_class()
    {
        var e = new OptionsValidationException(Options.DefaultName, typeof(ServingOptions),
            ["DataAnnotation validation failed for 'ServingOptions' members: 'Slots' with the error: 'The field Slots must be between 1 and 256.'."]);

        Assert.Equal("Inference:Slots: The field Slots must be between 1 and 256", OptionsFailures.Describe(e));
    }

    [Fact]
    public void A_custom_failure_that_names_its_key_is_not_prefixed_twice_and_one_that_does_not_gets_its_section()
    {
        var e = new OptionsValidationException(Options.DefaultName, typeof(OutboxOptions),
            ["Outbox:RetryMinDelay must not exceed Outbox:RetryMaxDelay.", "the database path is empty"]);

        Assert.Equal("Outbox:RetryMinDelay must not exceed Outbox:RetryMaxDelay; Outbox: the database path is empty", OptionsFailures.Describe(e));
    }
}
