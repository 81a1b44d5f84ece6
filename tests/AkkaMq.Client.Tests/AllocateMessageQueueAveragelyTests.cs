using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class AllocateMessageQueueAveragelyTests
{
    private static List<MessageQueue> Queues(int n) =>
        Enumerable.Range(0, n).Select(i => new MessageQueue("T", "broker-a", i)).ToList();

    private static List<string> Clients(int k) => Enumerable.Range(0, k).Select(i => "c" + i).ToList();

    // Outputs of Java's AllocateMessageQueueAveragely for n queues and k clients, per client index.
    [Theory]
    [InlineData(8, 3, new[] { "0,1,2", "3,4,5", "6,7" })]
    [InlineData(5, 2, new[] { "0,1,2", "3,4" })]
    [InlineData(10, 4, new[] { "0,1,2", "3,4,5", "6,7", "8,9" })]
    [InlineData(4, 4, new[] { "0", "1", "2", "3" })]
    [InlineData(2, 3, new[] { "0", "1", "" })]
    [InlineData(3, 5, new[] { "0", "1", "2", "", "" })]
    [InlineData(16, 3, new[] { "0,1,2,3,4,5", "6,7,8,9,10", "11,12,13,14,15" })]
    [InlineData(1, 1, new[] { "0" })]
    public void Allocate_MatchesJavaTable(int n, int k, string[] expected)
    {
        var queues = Queues(n);
        var clients = Clients(k);
        for (int i = 0; i < k; i++)
        {
            var got = AllocateMessageQueueAveragely.Allocate(clients[i], queues, clients);
            Assert.Equal(expected[i], string.Join(",", got.Select(q => q.QueueId)));
        }
    }

    [Fact]
    public void Allocate_GivesNothing_WhenClientNotInList()
    {
        Assert.Empty(AllocateMessageQueueAveragely.Allocate("other", Queues(4), Clients(2)));
    }

    [Fact]
    public void Allocate_CoversEveryQueueOnce_WithBalancedSizes()
    {
        for (int n = 0; n <= 24; n++)
        {
            for (int k = 1; k <= 9; k++)
            {
                var queues = Queues(n);
                var clients = Clients(k);
                var parts = clients.Select(c => AllocateMessageQueueAveragely.Allocate(c, queues, clients)).ToList();
                var all = parts.SelectMany(p => p).ToList();
                Assert.Equal(n, all.Count);
                Assert.Equal(n, all.Distinct().Count());
                Assert.True(parts.Max(p => p.Count) - parts.Min(p => p.Count) <= 1, $"n={n} k={k}");
            }
        }
    }
}
