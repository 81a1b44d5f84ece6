using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

public sealed class StoreFailureTests
{
    [Fact]
    public async Task DiskFault_UnderARunningBroker_RaisesStoreFailed_AndNoLaterSendIsAcknowledged()
    {
        await using var node = await BrokerFixture.StartAsync();
        var device = new FaultableDevice();
        string storeDir = Path.Combine(node.Dir, "faulty-store");
        var settings = BrokerFixture.Settings(storeDir, autoCreate: true) with { Group = "broker-faulty" };
        await using var broker = await BrokerRole.StartAsync(
            (props, name) => Task.FromResult(node.System.ActorOf(props, name + "-faulty")),
            new BrokerRoleOptions(BrokerFixture.Cluster, settings) { Device = device },
            node.Feed, node.Registry, NullLoggerFactory.Instance, CancellationToken.None);
        var failures = new ConcurrentQueue<string>();
        broker.StoreFailed += failures.Enqueue;
        await using var client = node.NewClient(new ConcurrentQueue<RemotingCommand>());
        string address = "127.0.0.1:" + broker.LocalEndPoint.Port;
        Task<RemotingCommand> Send(string body) => client.InvokeAsync(address, Requests.SendV1("DiskTopic", body, queueId: 0), TimeSpan.FromSeconds(10));

        Assert.Equal((int)ResponseCode.Success, (await Send("before")).Code);
        Assert.Null(broker.StoreFailure);

        device.FailWithIoError();
        var during = await Send("during");
        // The send whose write or flush met the fault is answered as every later one: not stored, send elsewhere.
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, during.Code);
        Assert.Contains("fatal disk error", during.Remark, StringComparison.Ordinal);
        Assert.NotNull(broker.StoreFailure);
        Assert.Contains("EIO", broker.StoreFailure, StringComparison.Ordinal);

        // Even with the disk answering again the broker acknowledges nothing more, and says why.
        device.Heal();
        for (int i = 0; i < 3; i++)
        {
            var after = await Send("after" + i);
            Assert.Equal((int)ResponseCode.ServiceNotAvailable, after.Code);
            Assert.Contains("fatal disk error", after.Remark, StringComparison.Ordinal);
        }

        Assert.Equal([broker.StoreFailure], failures);

        // What was stored before the fault is still served.
        var pulled = await client.InvokeAsync(address, Requests.Pull("G1", "DiskTopic", 0, 0), TimeSpan.FromSeconds(10));
        Assert.Equal((int)ResponseCode.Success, pulled.Code);
    }
}
