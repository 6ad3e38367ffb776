namespace Edge.Cloud.LoadControl;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary><c>/v1/curve/{group}</c> (what-if) and <c>/v1/controller</c> (load controller status and settings).</summary>
internal static class LoadControlEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    private static readonly Dictionary<string, string> FieldHints = new(StringComparer.Ordinal)
    {
        ["$.targetCloudRps"] = "a positive number of requests per second",
        ["$.enabled"] = "true or false",
        ["$.periodSeconds"] = "a number of seconds",
        ["$.maxStep"] = "a number within (0, 1]",
        ["$.deadBand"] = "a number within [0, 0.9]",
        ["$.pinSeconds"] = "a number of seconds",
        ["$.by"] = "a string",
    };

    public static IEndpointRouteBuilder MapLoadControlEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/curve/{group}", GetCurveAsync).RequireAuthorization(EdgePolicies.View);
        endpoints.MapGet("/v1/controller", GetStatusAsync).RequireAuthorization(EdgePolicies.View);
        endpoints.MapPut("/v1/controller", PutAsync).RequireAuthorization(EdgePolicies.Operate);
        endpoints.MapPut("/v1/controller/groups/{group}", PutGroupAsync).RequireAuthorization(EdgePolicies.Operate);
        return endpoints;
    }

    private static async Task<IResult> GetCurveAsync(string group, TelemetryAggregator telemetry, LabelledSamples samples, CancellationToken ct)
    {
        if (ConfigRules.ValidateName(group, "group") is { } error)
        {
            return Problems.BadRequest(error);
        }

        if (telemetry.Group(group) is not { } stats)
        {
            return Problems.NotFound($"group '{group}' has sent no telemetry in the last {telemetry.Horizon.TotalSeconds:0} s; the curve needs its confidence histogram");
        }

        var labelled = await samples.ForGroupAsync(group, ct);
        var curve = new WhatIfCurve
        {
            Group = group,
            RequestRate = stats.RequestRate,
            Threshold = stats.Threshold,
            HistogramRequests = stats.Scores.Sum(),
            LabelledSamples = labelled.Count,
            Points = CurveEstimator.Points(stats.Scores, CurveEstimator.AccuracyPerBin(labelled), stats.RequestRate),
        };
        return TypedResults.Json(curve, EdgeJsonContext.Default.WhatIfCurve);
    }

    private static async Task<IResult> GetStatusAsync(LoadController controller, CancellationToken ct)
    {
        var config = await controller.GetConfigAsync(ct);
        var groups = controller.Groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ControllerGroupStatus
        {
            Group = g.Key,
            Enabled = !config.DisabledGroups.Contains(g.Key, StringComparer.Ordinal),
            Threshold = g.Value.Threshold,
            BoundMin = g.Value.Bounds.Min,
            BoundMax = g.Value.Bounds.Max,
            RequestRate = g.Value.RequestRate,
            CloudRate = g.Value.CloudRate,
            TargetCloudRate = g.Value.TargetCloudRate,
            PinnedUntil = g.Value.PinnedUntil,
            LastAction = g.Value.LastAction,
        }).ToArray();
        return TypedResults.Json(
            new ControllerStatus
            {
                Enabled = config.Enabled,
                TargetCloudRps = config.TargetCloudRps,
                PeriodSeconds = config.PeriodSeconds,
                MaxStep = config.MaxStep,
                DeadBand = config.DeadBand,
                PinSeconds = config.PinSeconds,
                LastRun = controller.LastRun,
                CloudRate = groups.Sum(g => g.CloudRate),
                Groups = groups,
            },
            EdgeJsonContext.Default.ControllerStatus);
    }

    private static async Task<IResult> PutAsync(HttpContext context, LoadController controller)
    {
        var (update, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.ControllerUpdate, MaxBodyBytes, FieldHints, context.RequestAborted);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (Validate(update!) is { } error)
        {
            return Problems.BadRequest(error);
        }

        await controller.UpdateAsync(
            c =>
            {
                c.TargetCloudRps = update!.TargetCloudRps ?? c.TargetCloudRps;
                c.Enabled = update.Enabled ?? c.Enabled;
                c.PeriodSeconds = update.PeriodSeconds ?? c.PeriodSeconds;
                c.MaxStep = update.MaxStep ?? c.MaxStep;
                c.DeadBand = update.DeadBand ?? c.DeadBand;
                c.PinSeconds = update.PinSeconds ?? c.PinSeconds;
            },
            context.RequestAborted);
        return await GetStatusAsync(controller, context.RequestAborted);
    }

    private static async Task<IResult> PutGroupAsync(string group, HttpContext context, LoadController controller, TelemetryAggregator telemetry, ThresholdRepository thresholds)
    {
        if (ConfigRules.ValidateName(group, "group") is { } nameError)
        {
            return Problems.BadRequest(nameError);
        }

        var (update, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.ControllerGroupUpdate, MaxBodyBytes, FieldHints, context.RequestAborted);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (update!.Enabled is not { } enabled)
        {
            return Problems.BadRequest("enabled (true or false) is required");
        }

        if (telemetry.Group(group) is null && await thresholds.GetAsync(ConfigScope.Group, group, context.RequestAborted) is null &&
            !controller.Groups.ContainsKey(group))
        {
            return Problems.NotFound($"unknown group '{group}': it has no threshold setting and sent no telemetry");
        }

        await controller.UpdateAsync(
            c =>
            {
                c.DisabledGroups.Remove(group);
                if (!enabled)
                {
                    c.DisabledGroups.Add(group);
                }
            },
            context.RequestAborted);
        return await GetStatusAsync(controller, context.RequestAborted);
    }

    private static string? Validate(ControllerUpdate u)
    {
        if (u.TargetCloudRps is { } t && !(double.IsFinite(t) && t > 0))
        {
            return "targetCloudRps must be a positive finite number of requests per second";
        }

        if (u.PeriodSeconds is { } p && !(double.IsFinite(p) && p >= 0.05 && p <= 86_400))
        {
            return "periodSeconds must be within [0.05, 86400]";
        }

        if (u.MaxStep is { } s && !(double.IsFinite(s) && s > 0 && s <= 1))
        {
            return "maxStep must be within (0, 1]";
        }

        if (u.DeadBand is { } d && !(double.IsFinite(d) && d >= 0 && d <= 0.9))
        {
            return "deadBand must be within [0, 0.9]";
        }

        if (u.PinSeconds is { } pin && !(double.IsFinite(pin) && pin >= 0 && pin <= 7 * 86_400))
        {
            return "pinSeconds must be within [0, 604800]";
        }

        return ThresholdService.ValidateBy(u.By);
    }
}
