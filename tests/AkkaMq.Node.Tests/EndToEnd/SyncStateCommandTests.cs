using AkkaMq.Client;
using AkkaMq.Node.Commands.Admin;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary><c>admin getSyncStateSet</c> and <c>admin electMaster</c> against a standalone node, and their output layout.</summary>
public sealed class SyncStateCommandTests
{
    [Fact]
    public async Task GetSyncStateSet_ShowsTheStandaloneGroupWithItsMasterInSync()
    {
        await using var node = await NodeFixture.StartAsync();

        var byName = await CliRun.AdminAsync(node.NameServer, "getSyncStateSet", "-a", node.NameServer, "-b", "broker-a");
        var byCluster = await CliRun.AdminAsync(node.NameServer, "getSyncStateSet", "-a", node.NameServer, "-c", "DefaultCluster");

        foreach (var result in new[] { byName, byCluster })
        {
            Assert.StartsWith($"\n#brokerName\tbroker-a\n#MasterBrokerId\t0\n#MasterAddr\t{node.BrokerAddress}\n#MasterEpoch\t1\n#SyncStateSetEpoch\t", result.Output);
            Assert.Contains("\n#SyncStateSetNums\t1\n", result.Output);
            Assert.Contains($"\nInSyncReplica:\tReplicaIdentity{{brokerName='broker-a', brokerId=0, brokerAddress='{node.BrokerAddress}', alive=true}}\n", result.Output);
            Assert.DoesNotContain("NotInSyncReplica", result.Output);
            Assert.DoesNotContain("#NoMasterReason", result.Output);
        }
    }

    [Fact]
    public async Task GetSyncStateSet_WithoutBrokerOrCluster_OrOfAnUnknownCluster_IsAClearError()
    {
        await using var node = await NodeFixture.StartAsync();

        var neither = await CliRun.InvokeAsync("admin", "getSyncStateSet", "-n", node.NameServer, "-a", node.NameServer);
        var unknown = await CliRun.InvokeAsync("admin", "getSyncStateSet", "-n", node.NameServer, "-a", node.NameServer, "-c", "NoSuchCluster");

        Assert.Equal((1, 1), (neither.ExitCode, unknown.ExitCode));
        Assert.Contains("give a broker name (-b) or a cluster name (-c)", neither.Error);
        Assert.Contains("cluster NoSuchCluster has no brokers", unknown.Error);
    }

    [Fact]
    public async Task ElectMaster_OfAnUnknownBrokerOrMember_ExitsWithRocketMqsCodeAndTheRemark()
    {
        await using var node = await NodeFixture.StartAsync();

        var unknownGroup = await CliRun.InvokeAsync("admin", "electMaster", "-n", node.NameServer, "-a", node.NameServer, "-c", "DefaultCluster", "-bn", "nope", "-b", "0");
        var unknownMember = await CliRun.InvokeAsync("admin", "electMaster", "-n", node.NameServer, "-a", node.NameServer, "-c", "DefaultCluster", "-bn", "broker-a", "-b", "7");

        Assert.Equal((1, 1), (unknownGroup.ExitCode, unknownMember.ExitCode));
        Assert.Contains("CODE: 2010  DESC: Broker-set: nope hasn't been registered in controller", unknownGroup.Error);
        Assert.Contains("CODE: 2010  DESC: BrokerId: 7 hasn't been registered in broker-set: broker-a", unknownMember.Error);
        Assert.Equal(string.Empty, unknownGroup.Output);
    }

    [Fact]
    public async Task ElectMaster_WithoutTheRequiredFlags_IsAUsageError()
    {
        var result = await CliRun.InvokeAsync("admin", "electMaster", "-a", "127.0.0.1:1", "-b", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("-bn", result.Error);
    }

    [Fact]
    public async Task SyncStateSet_PrintsRocketMqsLayout_AndWhyAGroupHasNoMaster()
    {
        var info = new BrokerReplicasInfoBody(new Dictionary<string, ReplicasInfo>
        {
            ["broker-b"] = new(null, null, 4, 9, [new ReplicaIdentity("broker-b", 1, "10.0.0.1:10911", false)], [new ReplicaIdentity("broker-b", 2, "10.0.0.2:10911", true)],
                "no in-sync member is online"),
            ["broker-a"] = new(0, "10.0.0.3:10911", 2, 5, [new ReplicaIdentity("broker-a", 0, "10.0.0.3:10911", true)], []),
        });
        using var output = new StringWriter();

        await SyncStateCommands.PrintAsync(output, BrokerReplicasInfoBody.Decode(info.Encode()));

        Assert.Equal(
            "\n#brokerName\tbroker-a\n#MasterBrokerId\t0\n#MasterAddr\t10.0.0.3:10911\n#MasterEpoch\t2\n#SyncStateSetEpoch\t5\n#SyncStateSetNums\t1\n"
            + "\nInSyncReplica:\tReplicaIdentity{brokerName='broker-a', brokerId=0, brokerAddress='10.0.0.3:10911', alive=true}\n"
            + "\n#brokerName\tbroker-b\n#MasterBrokerId\tnull\n#MasterAddr\tnull\n#MasterEpoch\t4\n#SyncStateSetEpoch\t9\n#SyncStateSetNums\t1\n"
            + "#NoMasterReason\tno in-sync member is online\n"
            + "\nInSyncReplica:\tReplicaIdentity{brokerName='broker-b', brokerId=1, brokerAddress='10.0.0.1:10911', alive=false}\n"
            + "\nNotInSyncReplica:\tReplicaIdentity{brokerName='broker-b', brokerId=2, brokerAddress='10.0.0.2:10911', alive=true}\n",
            output.ToString());
    }

    [Fact]
    public async Task ElectMaster_PrintsRocketMqsLayout_WithEveryMember()
    {
        var group = new BrokerMemberGroupBody("C", "broker-a", new Dictionary<long, string> { [2] = "10.0.0.2:10911", [1] = "10.0.0.1:10911" }, [2]);
        using var output = new StringWriter();

        await SyncStateCommands.PrintAsync(output, "C", "broker-a", new ElectMasterResult(2, "10.0.0.2:10911", 4, 8, BrokerMemberGroupBody.Decode(group.Encode())));

        Assert.Equal(
            "\n#ClusterName\tC\n#BrokerName\tbroker-a\n#BrokerMasterAddr\t10.0.0.2:10911\n#MasterEpoch\t4\n#SyncStateSetEpoch\t8\n"
            + "\t#Broker\t1\t10.0.0.1:10911\n\t#Broker\t2\t10.0.0.2:10911\n",
            output.ToString());
    }
}
