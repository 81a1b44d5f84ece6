using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>Client-side steps the cluster tests share.</summary>
public static class ClusterClients
{
    /// <summary>Sends <paramref name="count"/> messages with bodies <c>prefix-i</c> through the cluster's nameservers; every send must be SEND_OK.</summary>
    public static async Task<List<(string Body, SendResult Result)>> SendAsync(ClusterFixture cluster, string topic, string prefix, int count)
    {
        var sent = new List<(string, SendResult)>();
        await using var producer = new Producer(prefix + "-producer", cluster.ClientOptions(prefix + "-p"));
        await producer.StartAsync();
        for (var i = 0; i < count; i++)
        {
            var body = $"{prefix}-{i}";
            var result = await producer.SendAsync(new Message(topic, "t", Encoding.UTF8.GetBytes(body)) { Keys = body });
            Assert.Equal(SendStatus.SendOk, result.Status);
            sent.Add((body, result));
        }

        return sent;
    }

    /// <summary>Waits until both brokers' commit logs end at the same offset (the follower caught up) and returns it.</summary>
    public static async Task<long> WaitUntilCaughtUpAsync(AdminClient admin, ClusterNode master, ClusterNode follower, TimeSpan deadline)
    {
        long end = 0;
        await ClusterFixture.WaitUntilAsync(
            async () =>
            {
                end = await BrokerProbe.CommitLogEndAsync(admin, master.BrokerAddress);
                return await BrokerProbe.CommitLogEndAsync(admin, follower.BrokerAddress) == end;
            },
            $"{follower.Name}'s commit-log end equals its master {master.Name}'s",
            deadline);
        return end;
    }
}
