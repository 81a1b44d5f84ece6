using System.CommandLine;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Node.Commands.Bench;

/// <summary><c>akkamq bench produce|consume</c>: load over the wire against a running node.</summary>
internal static class BenchCommand
{
    public static Command Build() => new("bench", "Producer and consumer load, like RocketMQ's benchmark tools.")
    {
        ProduceBench.Build(),
        ConsumeBench.Build(),
    };

    /// <summary><c>--serializeType JSON|ROCKETMQ</c>: the header encoding of the load generator's requests.</summary>
    public static Option<SerializeType> SerializeTypeOption() => new("--serializeType")
    {
        Description = "Header encoding of requests: JSON (the default, as Java clients) or ROCKETMQ (binary).",
        DefaultValueFactory = _ => SerializeType.Json,
    };
}
