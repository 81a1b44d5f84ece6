using AkkaMq.Client;
using AkkaMq.Node.Commands.Admin;

namespace AkkaMq.Node.Tests.EndToEnd;

public sealed class ControllerCommandTests
{
    [Fact]
    public async Task GetControllerMetaData_NamesTheNodeHostingTheController()
    {
        await using var node = await NodeFixture.StartAsync();
        string self = node.Roles.Broker!.NodeAddress!.Split('#')[0];

        var result = await CliRun.AdminAsync(node.NameServer, "getControllerMetaData", "-a", node.NameServer);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"\n#ControllerGroup\tDefaultCluster\n#ControllerLeaderId\t{self}\n#ControllerLeaderAddress\t{self}\n#Peer:\t{self}\n", result.Output);
    }

    [Fact]
    public async Task ControllerMetadata_PrintsEveryPeer_AndNullWithoutALeader()
    {
        using var output = new StringWriter();

        await ControllerCommands.PrintAsync(output, new ControllerMetadata("C", null, null, false, ["a:1", "b:2"]));

        Assert.Equal("\n#ControllerGroup\tC\n#ControllerLeaderId\tnull\n#ControllerLeaderAddress\tnull\n#Peer:\ta:1\n#Peer:\tb:2\n", output.ToString());
    }
}
