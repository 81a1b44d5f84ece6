using System.CommandLine;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>mqadmin's option names, short and long, shared by the admin sub-commands.</summary>
internal static class AdminOptions
{
    public static Option<string> NameServer() => new("-n", "--namesrvAddr")
    {
        Description = "Name server address list, e.g. 127.0.0.1:9876;127.0.0.2:9876 (default: NAMESRV_ADDR or 127.0.0.1:9876).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NAMESRV_ADDR") ?? "127.0.0.1:9876",
    };

    public static Option<string> Topic(bool required = true) => new("-t", "--topic") { Description = "Topic name.", Required = required };

    public static Option<string> Cluster(bool required = false) => new("-c", "--clusterName") { Description = "Cluster name.", Required = required };

    public static Option<string> BrokerAddress(bool required = false) => new("-b", "--brokerAddr") { Description = "Broker address, ip:port.", Required = required };

    public static Option<string> ConsumerGroup(bool required = true) => new("-g", "--consumerGroup") { Description = "Consumer group.", Required = required };
}
