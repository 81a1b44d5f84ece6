using System.CommandLine;

namespace AkkaMq.Node.Commands.Bench;

/// <summary><c>akkamq bench produce|consume</c>: load over the wire against a running node.</summary>
internal static class BenchCommand
{
    public static Command Build() => new("bench", "Producer and consumer load, like RocketMQ's benchmark tools.")
    {
        ProduceBench.Build(),
        ConsumeBench.Build(),
    };
}
