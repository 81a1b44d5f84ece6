using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// <c>akkamq admin updateSubGroup</c> / <c>deleteSubGroup</c> on a node with
/// <c>auto-create-subscription-group = false</c>: only declared groups consume.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SubGroupCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync("akkamq.broker.auto-create-subscription-group = false");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task DeclaredGroup_Consumes_UndeclaredGroup_IsRefused_AndDeletedGroup_IsRefusedAgain()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "GroupOnlyTopic", "-r", "1", "-w", "1");
        await AdminAsync("sendMessage", "-t", "GroupOnlyTopic", "-p", "for declared groups");

        var created = await AdminAsync("updateSubGroup", "-c", "DefaultCluster", "-g", "declared-group", "-r", "3");
        Assert.Contains($"create subscription group to {_node.BrokerAddress} success.", created.Output);
        Assert.Contains("SubscriptionGroupConfig [groupName=declared-group", created.Output);
        Assert.Contains("retryMaxTimes=3", created.Output);

        var queue = new MessageQueue("GroupOnlyTopic", "broker-a", 0);
        await using (var consumer = new PullConsumer("declared-group", _node.ClientOptions("declared")))
        {
            await consumer.StartAsync();
            var pulled = await consumer.PullAsync(queue, "*", 0, 32);
            Assert.Equal("for declared groups", Encoding.UTF8.GetString(Assert.Single(pulled.Messages).Body));
        }

        await using (var stranger = new PullConsumer("undeclared-group", _node.ClientOptions("undeclared")))
        {
            await stranger.StartAsync();
            var refused = await Assert.ThrowsAsync<MQBrokerException>(() => stranger.PullAsync(queue, "*", 0, 32));
            Assert.Equal(26, refused.ResponseCode);
        }

        var deleted = await AdminAsync("deleteSubGroup", "-b", _node.BrokerAddress, "-g", "declared-group");
        Assert.Contains($"delete subscription group [declared-group] from broker [{_node.BrokerAddress}] success.", deleted.Output);
        await using (var again = new PullConsumer("declared-group", _node.ClientOptions("declared-again")))
        {
            await again.StartAsync();
            var refused = await Assert.ThrowsAsync<MQBrokerException>(() => again.PullAsync(queue, "*", 0, 32));
            Assert.Equal(26, refused.ResponseCode);
        }
    }

    [Fact]
    public async Task UpdateSubGroup_WithoutBrokerOrCluster_IsOneClearLineAndExitCode1()
    {
        var result = await CliRun.InvokeAsync("admin", "updateSubGroup", "-n", _node.NameServer, "-g", "g");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give a broker address (-b) or a cluster name (-c)", Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
