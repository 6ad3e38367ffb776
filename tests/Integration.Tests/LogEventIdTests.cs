namespace Edge.Integration.Tests;

using System.Reflection;
using System.Text.RegularExpressions;
using Edge.TestSupport;
using Microsoft.Extensions.Logging;

/// <summary>
/// Operators alert on log event ids (docs/logging.md), so within one process every <c>[LoggerMessage]</c> needs an
/// id of its own, and the doc must list exactly the ids and levels in code. Read from the attributes the source
/// generator compiles from, in every Edge assembly the host loads.
/// </summary>
public sealed partial class LogEventIdTests
{
    public static TheoryData<string> Processes => ["agent", "cloud", "agent+cloud"];

    public static TheoryData<string> DocumentedHosts => ["agent", "cloud"];

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_log_message_in_a_process_has_an_event_id_of_its_own(string process)
    {
        var events = EventsIn(process);

        // The reflection must find the messages at all, or the checks below would pass on nothing.
        Assert.Contains(events, e => e.Id == 2006 && e.Method.EndsWith("InferenceLog.ModelLoaded", StringComparison.Ordinal));
        Assert.Empty(events.Where(e => e.Id <= 0).Select(e => e.Method));
        var shared = events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");
        Assert.Empty(shared);
    }

    [Theory]
    [MemberData(nameof(DocumentedHosts))]
    public void The_logging_doc_lists_exactly_the_event_ids_and_levels_in_code(string host)
    {
        var inCode = EventsIn(host).Select(e => $"{e.Id} {e.Level}").Order(StringComparer.Ordinal).ToArray();

        var documented = DocumentedEvents(host).Order(StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(inCode);
        Assert.Equal(inCode, documented);
    }

    /// <summary>The <c>| id | level |</c> rows of the host's section (<c>## Agent ...</c> or <c>## Cloud ...</c>).</summary>
    private static IEnumerable<string> DocumentedEvents(string host)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "logging.md"));
        var heading = host == "agent" ? "## Agent" : "## Cloud";
        var start = Array.FindIndex(lines, l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"docs/logging.md has no '{heading}' section");
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (Row().Match(line) is { Success: true } row)
            {
                yield return $"{row.Groups[1].Value} {row.Groups[2].Value}";
            }
        }
    }

    private static List<LogEvent> EventsIn(string process)
    {
        var roots = process.Split('+').Select(host => host switch
        {
            "agent" => typeof(Edge.Agent.AgentApplication).Assembly,
            "cloud" => typeof(Edge.Cloud.CloudApplication).Assembly,
            _ => throw new ArgumentOutOfRangeException(nameof(process)),
        });
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        return [.. from assembly in WithEdgeReferences(roots)
                from type in assembly.GetTypes()
                from method in type.GetMethods(all)
                let message = method.GetCustomAttribute<LoggerMessageAttribute>()
                where message is not null
                select new LogEvent(message.EventId, message.Level, $"{type.FullName}.{method.Name}")];
    }

    /// <summary>The hosts' assemblies and every Edge assembly they reference, directly or not: what the process loads.</summary>
    private static HashSet<Assembly> WithEdgeReferences(IEnumerable<Assembly> roots)
    {
        var found = new HashSet<Assembly>();
        var next = new Queue<Assembly>(roots);
        while (next.TryDequeue(out var assembly))
        {
            if (!found.Add(assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name?.StartsWith("Edge.", StringComparison.Ordinal) == true))
            {
                next.Enqueue(Assembly.Load(reference));
            }
        }

        Assert.Contains(found, a => a.GetName().Name == "Edge.Inference");
        return found;
    }

    [GeneratedRegex(@"^\|\s*(\d+)\s*\|\s*(\w+)\s*\|")]
    private static partial Regex Row();

    private sealed record LogEvent(int Id, LogLevel Level, string Method);
}
