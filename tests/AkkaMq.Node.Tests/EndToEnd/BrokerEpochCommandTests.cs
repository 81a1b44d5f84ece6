using System.Text;
using AkkaMq.Client;
using AkkaMq.Node.Commands.Admin;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

public sealed class BrokerEpochCommandTests
{
    [Fact]
    public async Task GetBrokerEpoch_ShowsTheEpochTheControllerGave_AndARestartedMasterKeepsIt()
    {
        await using var node = await NodeFixture.StartAsync();
        await using (var producer = new Producer("epoch-producer", node.ClientOptions("epoch-p")))
        {
            await producer.StartAsync();
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(new Message("EpochTopic", "t", Encoding.UTF8.GetBytes("m" + i)))).Status);
            }
        }

        var first = await CliRun.AdminAsync(node.NameServer, "getBrokerEpoch", "-b", "broker-a");
        long end = node.Roles.Broker!.Store.MaxPhysicalOffset;
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(
            $"\n#clusterName\tDefaultCluster\n#brokerName\tbroker-a\n#brokerAddr\t{node.BrokerAddress}\n#brokerId\t0"
            + $"\n#Epoch: EpochEntry{{epoch=1, startOffset=0, endOffset={end}}}\n",
            first.Output);

        await node.RestartAsync();
        var byCluster = await CliRun.AdminAsync(node.NameServer, "getBrokerEpoch", "-c", "DefaultCluster");
        Assert.Equal(0, byCluster.ExitCode);
        Assert.Contains("\n#Epoch: EpochEntry{epoch=1, startOffset=0, endOffset=", byCluster.Output);
        Assert.DoesNotContain("epoch=2", byCluster.Output);
    }

    [Fact]
    public async Task GetBrokerEpoch_WithoutBrokerOrCluster_IsAClearError()
    {
        var result = await CliRun.InvokeAsync("admin", "getBrokerEpoch", "-n", "127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give a broker name (-b) or a cluster name (-c)", result.Error);
    }

    [Fact]
    public async Task EpochTable_PrintsClosedEpochsWithTheirEnds_AndTheOpenOneToTheLogEnd()
    {
        var cache = new EpochEntryCacheBody("C", "broker-a", 1, [new EpochEntryInfo(1, 0, 4096), new EpochEntryInfo(3, 4096, long.MaxValue)], 9000);
        using var output = new StringWriter();

        await BrokerEpochCommand.PrintAsync(output, "10.0.0.2:10911", EpochEntryCacheBody.Decode(cache.Encode()));

        Assert.Equal(
            "\n#clusterName\tC\n#brokerName\tbroker-a\n#brokerAddr\t10.0.0.2:10911\n#brokerId\t1"
            + "\n#Epoch: EpochEntry{epoch=1, startOffset=0, endOffset=4096}\n#Epoch: EpochEntry{epoch=3, startOffset=4096, endOffset=9000}\n",
            output.ToString());
    }
}
