using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>A node host in this process from a node file of its own: every port on loopback chosen by the system, the store under the test's folder.</summary>
internal static class LoopbackNode
{
    /// <param name="health">The health endpoint's listen address.</param>
    /// <param name="extra">More HOCON, after the node's own settings.</param>
    public static NodeHost Host(TempDir temp, string nodeName, ILoggerFactory logs, string health = "127.0.0.1:0", string extra = "")
    {
        var conf = temp.Write("node.conf", $$"""
            akkamq {
              node-name = {{nodeName}}
              namesrv.listen = "127.0.0.1:0"
              health.listen = "{{health}}"
              broker {
                listen = "127.0.0.1:0"
                advertise = "127.0.0.1:0"
                store.dir = "{{Path.Combine(temp.Path, "store")}}"
                replication.listen = "127.0.0.1:0"
                replication.advertise = "127.0.0.1:0"
              }
            }
            akka.remote.dot-netty.tcp.port = 0
            {{extra}}
            """);
        var effective = NodeConfigLoader.LoadEffective(conf, static _ => null);
        var settings = NodeConfigLoader.Bind(effective);
        return new NodeHost(settings, AkkaConfiguration.Build(effective, settings, LogLevel.Warning, static _ => null), logs);
    }
}
