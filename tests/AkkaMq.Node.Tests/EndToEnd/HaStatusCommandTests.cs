using System.Globalization;
using AkkaMq.Node.Commands.Admin;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

public sealed class HaStatusCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task HaStatus_ByBrokerAndByCluster_PrintsTheMasterBlock()
    {
        var byBroker = await CliRun.AdminAsync(_node.NameServer, "haStatus", "-b", _node.BrokerAddress);
        var byCluster = await CliRun.AdminAsync(_node.NameServer, "haStatus", "-c", "DefaultCluster");

        foreach (var result in new[] { byBroker, byCluster })
        {
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"#MasterAddr\t{_node.BrokerAddress}\n", result.Output);
            Assert.Contains("#SlaveNum\t0\n#InSyncSlaveNum\t0\n", result.Output);
            Assert.Contains("#SlaveAddr                        #SlaveAckOffset ", result.Output);
        }
    }

    [Fact]
    public async Task HaStatus_WithoutBrokerOrCluster_IsAClearError()
    {
        var result = await CliRun.InvokeAsync("admin", "haStatus", "-n", _node.NameServer);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give a broker address (-b) or a cluster name (-c)", result.Error);
    }

    [Fact]
    public async Task HaStatus_PrintsFollowersAndAFollowersMasterLink_InRocketMq5Layout()
    {
        var master = new HaRuntimeInfoBody(true, 9000, 1,
            [new HaConnectionInfo("10.0.0.2:10912", 8000, 1000, true, 2048, 0)], new HaClientInfo(null, 0, 0, 0, 0, 0, false));
        var follower = new HaRuntimeInfoBody(false, 0, 0, [], new HaClientInfo("10.0.0.1:10912", 1536, 7000, 0, 0, 6900, true));
        using var masterOut = new StringWriter();
        using var followerOut = new StringWriter();

        await HaStatusCommand.PrintAsync(masterOut, "10.0.0.1:10911", master);
        await HaStatusCommand.PrintAsync(followerOut, "10.0.0.2:10911", follower);

        Assert.Equal(
            "\n#MasterAddr\t10.0.0.1:10911\n#MasterCommitLogMaxOffset\t9000\n#SlaveNum\t1\n#InSyncSlaveNum\t1\n"
            + "#SlaveAddr                        #SlaveAckOffset             #Diff #TransferSpeed(KB/s)          #Status #TransferFromWhere\n"
            + "10.0.0.2:10912                    8000                         1000             2.00               OK                0\n",
            masterOut.ToString());
        string epoch = DateTimeOffset.FromUnixTimeMilliseconds(0).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture);
        Assert.Equal(
            $"\n#MasterAddr\t10.0.0.1:10912\n#CommitLogMaxOffset\t7000\n#TransferSpeed(KB/s)\t1.50\n#LastReadTime\t{epoch}\n#LastWriteTime\t{epoch}\n#MasterFlushOffset\t6900\n",
            followerOut.ToString());
    }
}
