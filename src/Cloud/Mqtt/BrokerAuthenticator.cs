namespace Edge.Cloud.Mqtt;

using System.Globalization;
using System.Text;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

/// <summary>
/// Device authentication and topic access on the embedded broker, always on: devices enrolled through the API
/// (<see cref="DeviceEnrollments"/>) or listed in <c>Mqtt:Devices</c>.
/// A device logs in with its id as username and client id (so no device can take over another's persistent
/// session) and is held to <see cref="BrokerAccess"/>; the cloud's own client (<see cref="CloudCredentials"/>)
/// may do anything. Refusals are answered with MQTT 5 reason codes and logged, and the connection stays up.
/// </summary>
internal sealed partial class BrokerAuthenticator(
    IOptions<CloudMqttOptions> options,
    CloudCredentials cloud,
    DeviceEnrollments enrollments,
    ILogger<BrokerAuthenticator> logger)
{
    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (cloud.Matches(args.UserName, args.Password))
        {
            return;
        }

        // The cloud's own login and client id are never a device's, whatever was enrolled: Allowed() gives that name
        // full access, and its client id would take over the cloud's session.
        if (args.UserName is not { } deviceId || IsCloudName(deviceId)
            || !await IsDeviceSecretAsync(deviceId, args.Password, args.CancellationToken))
        {
            args.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogRefusedLogin(logger, OneLine(args.UserName), OneLine(args.ClientId), args.RemoteEndPoint?.ToString());
        }
        else if (!string.Equals(args.ClientId, deviceId, StringComparison.Ordinal))
        {
            args.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            args.ReasonString = "a device connects with its device id as client id";
            LogRefusedClientId(logger, deviceId, OneLine(args.ClientId));
        }
    }

    private bool IsCloudName(string name) =>
        string.Equals(name, cloud.Username, StringComparison.Ordinal) || string.Equals(name, options.Value.ClientId, StringComparison.Ordinal);

    private async Task<bool> IsDeviceSecretAsync(string deviceId, string? presented, CancellationToken cancellationToken) =>
        options.Value.Devices.TryGetValue(deviceId, out var configured)
            ? DevicePassword.Matches(configured, presented)
            : ConfigRules.ValidateName(deviceId, "device id") is null && await enrollments.VerifyAsync(deviceId, presented, cancellationToken);

    // Wills pass through here too, so a device cannot leave a message on another's topic by disconnecting.
    private Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        var topic = args.ApplicationMessage.Topic;
        if (!Allowed(args.UserName, BrokerAccess.CanPublish, topic))
        {
            args.ProcessPublish = false;
            args.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogRefusedPublish(logger, args.ClientId, OneLine(topic)!);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        if (!Allowed(args.UserName, BrokerAccess.CanSubscribe, args.TopicFilter.Topic))
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            LogRefusedSubscription(logger, args.ClientId, OneLine(args.TopicFilter.Topic)!);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The broker only lets in a client whose username it validated above, so the name is the identity:
    /// the cloud's may do anything, a device's what <paramref name="deviceRule"/> allows it.
    /// </summary>
    private bool Allowed(string? userName, Func<string, string, bool> deviceRule, string topic) =>
        userName is not null &&
        ((cloud.Username is { } name && string.Equals(userName, name, StringComparison.Ordinal)) || deviceRule(userName, topic));

    /// <summary>
    /// What a client chose (a refused login's username and client id, a topic) as one log line: control characters
    /// become <c>\uXXXX</c>, so nobody can write forged lines into the log by connecting.
    /// </summary>
    private static string? OneLine(string? value)
    {
        if (value is null || !value.Any(char.IsControl))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    [LoggerMessage(EventId = 5520, Level = LogLevel.Warning, Message = "MQTT login refused for user {UserName} (client {ClientId}) from {Endpoint}: unknown device or wrong password")]
    private static partial void LogRefusedLogin(ILogger logger, string? userName, string? clientId, string? endpoint);

    [LoggerMessage(EventId = 5521, Level = LogLevel.Warning, Message = "MQTT login refused for device {DeviceId}: client id {ClientId} is not its device id")]
    private static partial void LogRefusedClientId(ILogger logger, string deviceId, string? clientId);

    [LoggerMessage(EventId = 5522, Level = LogLevel.Warning, Message = "MQTT publish by {ClientId} to {Topic} refused: not one of its topics")]
    private static partial void LogRefusedPublish(ILogger logger, string clientId, string topic);

    [LoggerMessage(EventId = 5523, Level = LogLevel.Warning, Message = "MQTT subscription by {ClientId} to {Filter} refused: not one of its topics")]
    private static partial void LogRefusedSubscription(ILogger logger, string clientId, string filter);
}
