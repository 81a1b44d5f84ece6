using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

/// <summary>A broker group whose route lists only a follower (broker id 1): its master is gone.</summary>
public sealed class FollowerRouteTests
{
    [Fact]
    public async Task PushConsumer_PullsFromAndCommitsToTheFollower_WhenTheRouteListsNoMaster()
    {
        var nameServer = new FakeNameServer();
        var follower = new FakeBroker("broker-a");
        await using var _n = nameServer;
        await using var _b = follower;
        foreach (var topic in new[] { "T", "%RETRY%GF" })
        {
            nameServer.AddTopic(topic, 1, 6, follower);
            var addresses = nameServer.Routes[topic].BrokerDatas[0].BrokerAddrs;
            addresses.Clear();
            addresses[1] = follower.Address;
        }

        for (int i = 0; i < 3; i++)
        {
            follower.Append("T", 0, Encoding.UTF8.GetBytes("m" + i));
        }

        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = new PushConsumer("GF", TestOptions.For(nameServer)) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe("T", "*");
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                received.Enqueue(message);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => received.Count == 3, "3 messages pulled from the follower");
        Assert.Equal(["m0", "m1", "m2"], received.Select(m => Encoding.UTF8.GetString(m.Body)).Order());

        // The offset was read from the follower and commits go there (15); pulls to a non-master carry no commit flag.
        Assert.NotEmpty(follower.RequestsWithCode(RequestCode.QueryConsumerOffset));
        await TestOptions.WaitUntilAsync(
            () => follower.RequestsWithCode(RequestCode.UpdateConsumerOffset)
                .Select(r => CommandHeader.Decode<UpdateConsumerOffsetRequestHeader>(r))
                .Any(h => h.Topic == "T" && h.QueueId == 0 && h.CommitOffset == 3),
            "offset 3 committed to the follower");
        Assert.All(
            follower.RequestsWithCode(RequestCode.PullMessage).Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r)),
            h => Assert.Equal(0, h.SysFlag & 0x1));
    }
}
