using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>UPDATE_CONSUMER_OFFSET over the wire: a two-way commit is in the log when answered; a one-way one soon after.</summary>
public sealed class OffsetCommitDurabilityTests
{
    [Fact]
    public async Task TwoWayUpdate_IsInTheLogWhenAnswered_WithoutASnapshot()
    {
        // Virtual time: the five-second snapshot timer never fires, so only delta records can hold the commit.
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        await node.BrokerAsync(Requests.SendV2("DurableTopic", "m", 0));

        var update = await node.BrokerAsync(OffsetTests.Update("DG", "DurableTopic", 0, 1));

        Assert.Equal((int)ResponseCode.Success, update.Code);
        Assert.Equal(1, OffsetSnapshot.LoadLatest(node.Broker.Store)["DurableTopic@DG"][0]);
        Assert.Equal(0, OffsetRecords.CountSnapshots(node.Broker.Store));
    }

    [Fact]
    public async Task OneWayUpdate_AndACommitOnAPull_ReachTheLogSoon()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        await node.BrokerAsync(Requests.SendV2("SoonTopic", "m", 0));
        var oneway = OffsetTests.Update("SG", "SoonTopic", 0, 1);
        oneway.MarkOneway();
        await node.Client.InvokeOnewayAsync(node.BrokerAddress, oneway);
        await node.BrokerAsync(Requests.Pull("SG", "SoonTopic", 1, 0, sysFlag: 0x1 | 0x4, commitOffset: 7));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        Dictionary<int, long>? queues = null;
        while (DateTime.UtcNow < deadline
            && !(OffsetSnapshot.LoadLatest(node.Broker.Store).TryGetValue("SoonTopic@SG", out queues) && queues.Count == 2))
        {
            await Task.Delay(20);
        }

        Assert.Equal(new Dictionary<int, long> { [0] = 1, [1] = 7 }, queues);
        Assert.Equal(0, OffsetRecords.CountSnapshots(node.Broker.Store));
    }

    [Fact]
    public async Task TwoWayUpdate_OnABrokerWhoseDiskFailed_IsAnsweredWithAnError()
    {
        await using var node = await BrokerFixture.StartAsync();
        var device = new FaultableDevice();
        var settings = BrokerFixture.Settings(Path.Combine(node.Dir, "faulty-store"), autoCreate: true) with { Group = "broker-faulty" };
        await using var broker = await BrokerRole.StartAsync(
            (props, name) => Task.FromResult(node.System.ActorOf(props, name + "-faulty")),
            new BrokerRoleOptions(BrokerFixture.Cluster, settings) { Device = device },
            node.Feed, node.Registry, NullLoggerFactory.Instance, CancellationToken.None);
        await using var client = node.NewClient(new ConcurrentQueue<RemotingCommand>());
        string address = "127.0.0.1:" + broker.LocalEndPoint.Port;

        Assert.Equal((int)ResponseCode.Success, (await client.InvokeAsync(address, OffsetTests.Update("FG", "T", 0, 1), TimeSpan.FromSeconds(10))).Code);
        device.FailWithIoError();
        var refused = await client.InvokeAsync(address, OffsetTests.Update("FG", "T", 0, 2), TimeSpan.FromSeconds(10));

        Assert.Equal((int)ResponseCode.SystemError, refused.Code);
        Assert.Contains("consumer offset not stored", refused.Remark, StringComparison.Ordinal);
        Assert.NotNull(broker.StoreFailure);
    }
}
