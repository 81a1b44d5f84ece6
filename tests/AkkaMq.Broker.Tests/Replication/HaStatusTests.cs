using System.Text;
using AkkaMq.Broker.Replication;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests.Replication;

public sealed class HaStatusTests
{
    private static RemotingCommand Request() => RemotingCommand.CreateRequest(HaStatusProcessor.GetBrokerHaStatus);

    [Fact]
    public async Task ANodeWithoutReplication_AnswersAsAMasterWithoutFollowers()
    {
        await using var fixture = await BrokerFixture.StartAsync();

        RemotingCommand response = await fixture.BrokerAsync(Request());

        Assert.Equal(ResponseCode.Success, response.ResponseCode);
        HaRuntimeInfoBody info = HaRuntimeInfoBody.Decode(response.Body.Span);
        Assert.Equal((true, 0, 0), (info.Master, info.InSyncSlaveNums, info.HaConnectionInfo.Count));
        Assert.Equal(fixture.Broker.Store.MaxPhysicalOffset, info.MasterCommitLogMaxOffset);
        Assert.False(info.HaClientRuntimeInfo.Activated);
    }

    [Fact]
    public async Task AMaster_AnswersRocketMq5sHaRuntimeInfo_FromItsStatusSource()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var caughtUp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        fixture.ReplicationStatus = () => new ReplicationStatus(true, 9000,
            [
                new FollowerStatus(1, "node-b", "10.0.0.2:40000", 9000, 8000, 0, caughtUp, 2048, 0, true),
                new FollowerStatus(2, "node-c", "10.0.0.3:40001", 4000, 4000, 5000, null, 0, 100, false),
            ], null);
        await fixture.RestartBrokerAsync();

        RemotingCommand response = await fixture.BrokerAsync(Request());

        Assert.Equal(
            "{\"haClientRuntimeInfo\":{\"activated\":false,\"lastReadTimestamp\":0,\"lastWriteTimestamp\":0,\"masterFlushOffset\":0,\"maxOffset\":0,\"transferredByteInSecond\":0},"
            + "\"haConnectionInfo\":[{\"addr\":\"10.0.0.2:40000\",\"diff\":0,\"inSync\":true,\"slaveAckOffset\":9000,\"transferFromWhere\":0,\"transferredByteInSecond\":2048},"
            + "{\"addr\":\"10.0.0.3:40001\",\"diff\":5000,\"inSync\":false,\"slaveAckOffset\":4000,\"transferFromWhere\":100,\"transferredByteInSecond\":0}],"
            + "\"inSyncSlaveNums\":1,\"master\":true,\"masterCommitLogMaxOffset\":9000}",
            Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task AFollower_AnswersItsClientInfo()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var read = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000);
        fixture.ReplicationStatus = () => new ReplicationStatus(false, 7000, [],
            new ReplicationFollowerStatus("10.0.0.1:10912", true, 3, 7000, 6500, 7100, 100, 4096, read, read.AddSeconds(-1), null, 6900));
        await fixture.RestartBrokerAsync();

        HaRuntimeInfoBody info = HaRuntimeInfoBody.Decode((await fixture.BrokerAsync(Request())).Body.Span);

        Assert.False(info.Master);
        Assert.Equal(new HaClientInfo("10.0.0.1:10912", 4096, 7000, 1_700_000_001_000, 1_700_000_000_000, 6900, true), info.HaClientRuntimeInfo);
    }
}
