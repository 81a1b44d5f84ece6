using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>wipeWritePerm, addWritePerm and updateTopicPerm through the admin client and <c>akkamq admin</c>.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PermCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task WipeWritePerm_StopsSends_AndAddWritePermLetsThemThroughAgain()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "WipeTopic", "-r", "2", "-w", "2");
        await using var admin = new AdminClient(_node.ClientOptions("wipe-admin"));

        var wiped = await admin.WipeWritePermOfBrokerAsync(_node.NameServer, "broker-a");

        Assert.True(wiped >= 1, $"wipeTopicCount {wiped}");
        Assert.All((await admin.GetTopicRouteAsync("WipeTopic")).QueueDatas, q => Assert.Equal(4, q.Perm));
        await using (var producer = await StartProducerAsync("wipe-pg-1"))
        {
            await Assert.ThrowsAsync<MQClientException>(() => producer.SendAsync(Message("no route")));
            var refused = await Assert.ThrowsAsync<MQBrokerException>(() =>
                producer.SendAsync(Message("explicit queue"), new Remoting.Protocol.Json.MessageQueue("WipeTopic", "broker-a", 0)));
            Assert.Equal((int)ResponseCode.NoPermission, refused.ResponseCode);
        }

        var again = await AdminAsync("wipeWritePerm", "-b", "broker-a");
        Assert.Contains($"wipe write perm of broker[broker-a] in name server[{_node.NameServer}] OK, {wiped}", again.Output);

        var added = await AdminAsync("addWritePerm", "-b", "broker-a");

        Assert.Contains($"add write perm of broker[broker-a] in name server[{_node.NameServer}] OK, {wiped}", added.Output);
        Assert.All((await admin.GetTopicRouteAsync("WipeTopic")).QueueDatas, q => Assert.Equal(6, q.Perm));
        await using (var producer = await StartProducerAsync("wipe-pg-2"))
        {
            Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(Message("after add"))).Status);
        }

        Assert.Equal(0, await admin.AddWritePermOfBrokerAsync(_node.NameServer, "no-such-broker"));
    }

    [Fact]
    public async Task UpdateTopicPerm_ChangesOneMasterOrTheCluster_AndSaysWhenNothingChanges()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "PermTopic", "-r", "3", "-w", "3");
        await using var admin = new AdminClient(_node.ClientOptions("perm-admin"));

        var changes = await admin.UpdateTopicPermAsync("PermTopic", 4, _node.BrokerAddress, null);

        Assert.Equal(new TopicPermChange(_node.BrokerAddress, 6, 4), Assert.Single(changes));
        var route = await admin.GetTopicRouteAsync("PermTopic");
        Assert.Equal((4, 3, 3), (route.QueueDatas[0].Perm, route.QueueDatas[0].ReadQueueNums, route.QueueDatas[0].WriteQueueNums));

        var cli = await AdminAsync("updateTopicPerm", "-b", _node.BrokerAddress, "-t", "PermTopic", "-p", "6");
        Assert.Contains($"update topic perm from 4 to 6 in {_node.BrokerAddress} success.", cli.Output);
        Assert.Contains("TopicConfig [topicName=PermTopic, readQueueNums=3, writeQueueNums=3, perm=RW-", cli.Output);

        var same = await AdminAsync("updateTopicPerm", "-b", _node.BrokerAddress, "-t", "PermTopic", "-p", "6");
        Assert.Equal("new perm equals to the old one!", same.Output.Trim());

        var cluster = await AdminAsync("updateTopicPerm", "-c", "DefaultCluster", "-t", "PermTopic", "-p", "2");
        Assert.Contains($"update topic perm from 6 to 2 in {_node.BrokerAddress} success.", cluster.Output);
        Assert.Equal(2, (await admin.GetTopicRouteAsync("PermTopic")).QueueDatas[0].Perm);

        var bad = await CliRun.InvokeAsync("admin", "updateTopicPerm", "-n", _node.NameServer, "-b", _node.BrokerAddress, "-t", "PermTopic", "-p", "3");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("perm must be 2 (write), 4 (read) or 6", bad.Error);
        var notMaster = await CliRun.InvokeAsync("admin", "updateTopicPerm", "-n", _node.NameServer, "-b", "127.0.0.1:1", "-t", "PermTopic", "-p", "4");
        Assert.Equal(1, notMaster.ExitCode);
        Assert.Contains("broker not exit or broker is not master", notMaster.Error);
    }

    private static Message Message(string body) => new("WipeTopic", null, Encoding.UTF8.GetBytes(body));

    private async Task<Producer> StartProducerAsync(string group)
    {
        var producer = new Producer(group, _node.ClientOptions(group)) { RetryTimesWhenSendFailed = 0 };
        await producer.StartAsync();
        return producer;
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
