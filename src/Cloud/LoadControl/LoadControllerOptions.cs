namespace Edge.Cloud.LoadControl;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// Section <c>LoadController</c>: the controller's starting settings. <c>PUT /v1/controller</c> changes them at run time
/// (stored in SQLite, and those stored values win over these at the next start).
/// </summary>
internal sealed class LoadControllerOptions
{
    public const string Section = "LoadController";

    public bool Enabled { get; set; }

    /// <summary>Cloud requests per second the fleet should stay under; nothing happens until one is set.</summary>
    [Range(0.001, 1_000_000)]
    public double? TargetCloudRps { get; set; }

    /// <summary>Seconds between runs; at least two telemetry intervals, so each run sees a window begun after the last move.</summary>
    [Range(0.05, 86_400)]
    public double PeriodSeconds { get; set; } = 30;

    [Range(0.001, 1)]
    public double MaxStep { get; set; } = 0.05;

    [Range(0, 0.9)]
    public double DeadBand { get; set; } = 0.1;

    [Range(0, 7 * 86_400)]
    public double PinSeconds { get; set; } = 600;

    /// <summary>Integral gain on the cloud-share error (per period).</summary>
    [Range(0, 10)]
    public double IntegralGain { get; set; } = 0.5;

    /// <summary>False: only <see cref="LoadController.RunOnceAsync"/> runs it (tests, the bench drive periods themselves).</summary>
    public bool RunInBackground { get; set; } = true;
}
