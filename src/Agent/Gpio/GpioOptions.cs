namespace Edge.Agent.Gpio;

using System.ComponentModel.DataAnnotations;
using System.Device.Gpio;

/// <summary>
/// Pins for a factory line. Section <c>Gpio</c>; pin numbers are the chip's line offsets (BCM numbers on a Pi).
/// e.g. <c>Gpio__Enabled=true Gpio__TriggerPin=17 Gpio__LedPin=27 Gpio__ActuatorPin=22 Gpio__ActuatorLabels__0=defect</c>.
/// </summary>
internal sealed class GpioOptions : IValidatableObject
{
    public const string Section = "Gpio";

    public bool Enabled { get; set; }

    /// <summary><c>libgpiod</c> (the kernel's GPIO character device, on a Pi or Jetson) or <c>sim</c> (in memory, for tests and desks).</summary>
    [Required]
    [RegularExpression("^(libgpiod|sim)$", ErrorMessage = "Gpio:Driver must be 'libgpiod' or 'sim'")]
    public string Driver { get; set; } = "libgpiod";

    /// <summary>The <c>/dev/gpiochipN</c> number (0 on a Pi 4; 4 for the header on a Pi 5).</summary>
    [Range(0, 64)]
    public int Chip { get; set; }

    /// <summary>An input whose edge captures a frame (<c>Sources:Camera</c>) and answers it.</summary>
    [Range(0, 1023)]
    public int? TriggerPin { get; set; }

    /// <summary><see cref="PinEventTypes.Rising"/> or <see cref="PinEventTypes.Falling"/>.</summary>
    public PinEventTypes TriggerEdge { get; set; } = PinEventTypes.Rising;

    /// <summary><c>Input</c>, <c>InputPullUp</c> or <c>InputPullDown</c> (a bare switch needs a pull).</summary>
    public PinMode TriggerMode { get; set; } = PinMode.Input;

    /// <summary>Edges closer than this to the last accepted one are contact bounce and ignored.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan TriggerDebounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The status LED: steady = online, slow blink = degraded, fast blink = updating, double flash = fault.</summary>
    [Range(0, 1023)]
    public int? LedPin { get; set; }

    /// <summary>Pulsed high when a local source's answer has one of <see cref="ActuatorLabels"/> (a reject gate, a marker).</summary>
    [Range(0, 1023)]
    public int? ActuatorPin { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ActuatorPulse { get; set; } = TimeSpan.FromMilliseconds(500);

    public List<string> ActuatorLabels { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TriggerEdge is not (PinEventTypes.Rising or PinEventTypes.Falling))
        {
            yield return new ValidationResult("Gpio:TriggerEdge must be Rising or Falling", [nameof(TriggerEdge)]);
        }

        if (TriggerMode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            yield return new ValidationResult("Gpio:TriggerMode must be Input, InputPullUp or InputPullDown", [nameof(TriggerMode)]);
        }

        int?[] pins = [TriggerPin, LedPin, ActuatorPin];
        var set = pins.Where(p => p.HasValue).ToList();
        if (set.Count != set.Distinct().Count())
        {
            yield return new ValidationResult(
                $"Gpio:TriggerPin, LedPin and ActuatorPin must be different pins (got {TriggerPin?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {LedPin?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {ActuatorPin?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})",
                [nameof(TriggerPin), nameof(LedPin), nameof(ActuatorPin)]);
        }

        if (ActuatorPin.HasValue && ActuatorLabels.Count == 0)
        {
            yield return new ValidationResult("Gpio:ActuatorPin is set but Gpio:ActuatorLabels is empty: name the labels that pulse it", [nameof(ActuatorLabels)]);
        }
    }
}
