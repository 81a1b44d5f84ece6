using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

public sealed class VipPortTests
{
    [Fact]
    public async Task Broker_AlsoServesOnListenPortMinusTwo()
    {
        string dir = Path.Combine(Path.GetTempPath(), "akkamq-vip-" + Guid.NewGuid().ToString("N"));
        using var system = ActorSystem.Create("vip-test", ControlStatePersistence.Sqlite(Path.Combine(dir, "control")));
        var feed = new RouteTableFeed(RouteTable.Empty);
        var registry = system.ActorOf(RouteRegistryActor.Props(feed, NullLogger.Instance));
        await RouteRegistryRequests.WaitUntilStartedAsync(registry, TimeSpan.FromSeconds(30), CancellationToken.None);
        int port = FreePortPair();
        var settings = BrokerFixture.Settings(Path.Combine(dir, "store"), autoCreate: true) with
        {
            Listen = "127.0.0.1:" + port,
            Advertise = "127.0.0.1:" + port,
        };
        try
        {
            await using (var broker = await BrokerRole.StartAsync((props, name) => Task.FromResult(system.ActorOf(props, name)), new BrokerRoleOptions("C", settings), feed, registry, NullLoggerFactory.Instance, CancellationToken.None))
            await using (var client = new RemotingClient())
            {
                Assert.Equal("127.0.0.1:" + port, broker.AdvertisedAddress);
                var viaVip = await client.InvokeAsync("127.0.0.1:" + (port - 2), Requests.SendV2("Vip", "x"), TimeSpan.FromSeconds(5));
                Assert.Equal((int)ResponseCode.Success, viaVip.Code);
                var pulled = await client.InvokeAsync("127.0.0.1:" + port, Requests.Pull("G", "Vip", int.Parse(viaVip.GetExtField("queueId")!, System.Globalization.CultureInfo.InvariantCulture), 0), TimeSpan.FromSeconds(5));
                Assert.Single(Requests.Records(pulled.Body));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A port p with p and p − 2 free right now.</summary>
    private static int FreePortPair()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (port > 2 && IsFree(port - 2))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free port pair found");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
