namespace Edge.Agent.Sources.Camera;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// A camera frame source that runs a capture command. Section <c>Sources:Camera</c>; off while <see cref="Command"/>
/// is unset. e.g. <c>libcamera-still</c> with <c>["-n","-t","1","--width","96","--height","96","-e","png","-o","{output}"]</c>,
/// or <c>ffmpeg</c> with <c>["-y","-loglevel","error","-f","v4l2","-i","/dev/video0","-frames:v","1","{output}"]</c>.
/// </summary>
internal sealed class CameraOptions
{
    public const string Section = "Sources:Camera";

    /// <summary>The executable (a path, or a name looked up on PATH).</summary>
    public string? Command { get; set; }

    /// <summary>Arguments, one per entry (no shell, no quoting); <c>{output}</c> becomes <see cref="OutputPath"/>.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Where the command writes the frame; relative paths resolve against the state directory.</summary>
    [Required]
    public string OutputPath { get; set; } = "capture/frame.png";

    /// <summary>Capture and answer every interval; null captures only when the GPIO trigger fires.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan? Interval { get; set; }

    /// <summary>A command that has not exited by then is killed (with its children) and the capture fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
