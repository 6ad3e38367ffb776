namespace Edge.Agent.Mqtt;

using MQTTnet;

/// <summary>
/// The registered topic filters with their handlers, and which filters the broker has granted in its
/// current session, so a reconnect subscribes exactly what the broker does not already hold.
/// </summary>
internal sealed class MqttRoutes
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _granted = new(StringComparer.Ordinal);

    // Copy-on-write: the receive path reads it without taking the lock.
    private Route[] _routes = [];

    public void Add(string topicFilter, MqttMessageHandler handler)
    {
        lock (_gate)
        {
            _routes = [.. _routes, new Route(topicFilter, handler)];
        }
    }

    /// <summary>Filters to subscribe after a connect; <paramref name="sessionLost"/> forgets every grant first.</summary>
    public string[] Missing(bool sessionLost)
    {
        lock (_gate)
        {
            if (sessionLost)
            {
                _granted.Clear();
            }

            return [.. _routes.Select(r => r.Filter).Distinct(StringComparer.Ordinal).Where(f => !_granted.Contains(f))];
        }
    }

    public void MarkGranted(IEnumerable<string> filters)
    {
        lock (_gate)
        {
            _granted.UnionWith(filters);
        }
    }

    /// <summary>The handlers whose filter matches <paramref name="topic"/> (MQTT wildcard rules).</summary>
    public IEnumerable<MqttMessageHandler> Matching(string topic)
    {
        foreach (var route in Volatile.Read(ref _routes))
        {
            if (MqttTopicFilterComparer.Compare(topic, route.Filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                yield return route.Handler;
            }
        }
    }

    private sealed record Route(string Filter, MqttMessageHandler Handler);
}
