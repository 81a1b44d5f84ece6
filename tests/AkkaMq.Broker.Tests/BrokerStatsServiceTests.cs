using AkkaMq.Broker.Stats;
using AkkaMq.Store;
using Microsoft.Extensions.Time.Testing;

namespace AkkaMq.Broker.Tests;

/// <summary>The broker's counters and their windows, on a clock the test moves.</summary>
public sealed class BrokerStatsServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly BrokerStatsService _stats;

    public BrokerStatsServiceTests() => _stats = new BrokerStatsService("TestCluster", _time);

    public void Dispose() => _stats.Dispose();

    [Fact]
    public void MinuteWindow_ShowsNothingBeforeTheNextSample_ThenTheSumAndRate()
    {
        Put("T", count: 10, sizeEach: 100);
        Put("T", count: 20, sizeEach: 100);

        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "T", out var item));
        Assert.Equal(default, item.Minute);

        _time.Advance(TimeSpan.FromSeconds(10));

        var minute = item.Minute;
        Assert.Equal(30, minute.Sum);
        Assert.Equal(2, minute.Times);
        Assert.Equal(3.0, minute.Tps, 6);
        Assert.Equal(15.0, minute.Avgpt, 6);
        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutSize, "T", out var size));
        Assert.Equal(3000, size.Minute.Sum);
    }

    [Fact]
    public void MinuteWindow_CoversTheLastMinuteOnly()
    {
        _time.Advance(TimeSpan.FromSeconds(10));
        Put("T", count: 6, sizeEach: 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "T", out var item));
        Assert.Equal(6, item.Minute.Sum);

        // Six more samples of 10 s push the one that saw the first count out of the seven kept.
        for (int i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(6, item.Minute.Sum);
        Put("T", count: 4, sizeEach: 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, item.Minute.Sum);
        Assert.Equal(4 / 60.0, item.Minute.Tps, 6);
    }

    [Fact]
    public void HourAndDayWindows_SampleEveryTenMinutesAndEveryHour()
    {
        Put("T", count: 5, sizeEach: 1);
        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "T", out var item));

        // The minute window has moved past the count by now; the hour window has not sampled it yet.
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, item.Minute.Sum);
        Assert.Equal(0, item.Hour.Sum);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(5, item.Hour.Sum);
        Assert.Equal(0, item.Day.Sum);

        Put("T", count: 7, sizeEach: 1);
        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(12, item.Hour.Sum);
        Assert.Equal(12, item.Day.Sum);
        Assert.Equal(12 / 3600.0, item.Day.Tps, 9);
    }

    [Fact]
    public void Keys_AreSpelledAsRocketMq()
    {
        _stats.OnGet("G", "T", 3, count: 8, bytes: 800, latencyMillis: 4);
        _stats.OnSendBack("G", "T");
        Put("T", count: 2, sizeEach: 10);

        Assert.True(_stats.TryGetItem(BrokerStatsService.GroupGetNums, "T@G", out _));
        Assert.True(_stats.TryGetItem(BrokerStatsService.GroupGetSize, "T@G", out _));
        Assert.True(_stats.TryGetItem(BrokerStatsService.GroupGetLatency, "3@T@G", out _));
        Assert.True(_stats.TryGetItem(BrokerStatsService.SendBackPutNums, "T@G", out _));
        Assert.True(_stats.TryGetItem(BrokerStatsService.BrokerPutNums, "TestCluster", out var brokerPut));
        Assert.True(_stats.TryGetItem(BrokerStatsService.BrokerGetNums, "TestCluster", out var brokerGet));
        Assert.False(_stats.TryGetItem(BrokerStatsService.GroupGetNums, "G@T", out _));
        Assert.False(_stats.TryGetItem("NO_SUCH_STATS", "T", out _));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((8L, 0L), (brokerGet.Minute.Sum, brokerGet.Minute.Times));
        Assert.Equal(2, brokerPut.Minute.Sum);
        Assert.True(_stats.TryGetItem(BrokerStatsService.GroupGetLatency, "3@T@G", out var latency));
        Assert.Equal(4.0, latency.Minute.Avgpt, 6);
        Assert.Equal(0.8, _stats.GroupGetTps("T", "G"), 6);
    }

    [Fact]
    public void RuntimeRates_AreTheLastTenSecondsMinuteAndTenMinutes()
    {
        _time.Advance(TimeSpan.FromSeconds(50));
        Put("T", count: 100, sizeEach: 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("10.00 10.00 0.00", BrokerStatsService.FormatRates(_stats.PutTps()));

        _time.Advance(TimeSpan.FromSeconds(10));
        var (last10s, lastMinute, _) = _stats.PutTps();
        Assert.Equal(0, last10s, 6);
        Assert.Equal(100 / 20.0, lastMinute, 6);

        _time.Advance(TimeSpan.FromSeconds(530));
        Assert.Equal("0.00 0.00 0.17", BrokerStatsService.FormatRates(_stats.PutTps()));
    }

    [Fact]
    public void DeletedTopicsAndGroups_AreForgotten()
    {
        Put("T", count: 1, sizeEach: 1);
        _stats.OnGet("G", "T", 0, 1, 1, 1);
        _stats.OnGet("H", "U", 0, 1, 1, 1);

        _stats.OnTopicDeleted("T");
        _stats.OnGroupDeleted("H");

        Assert.False(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "T", out _));
        Assert.False(_stats.TryGetItem(BrokerStatsService.GroupGetNums, "T@G", out _));
        Assert.False(_stats.TryGetItem(BrokerStatsService.GroupGetLatency, "0@U@H", out _));
        Assert.True(_stats.TryGetItem(BrokerStatsService.BrokerPutNums, "TestCluster", out _));
    }

    [Fact]
    public void ItemsIdleForADay_AreForgotten_BusyOnesStay()
    {
        Put("Idle", count: 1, sizeEach: 1);
        _stats.OnGet("GoneGroup", "Idle", 0, 1, 1, 1);
        for (int hour = 0; hour < 27; hour++)
        {
            Put("Busy", count: 1, sizeEach: 1);
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "Busy", out var busy));
        Assert.Equal(24, busy.Day.Sum);
        Assert.False(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "Idle", out _));
        Assert.False(_stats.TryGetItem(BrokerStatsService.GroupGetNums, "Idle@GoneGroup", out _));
        Assert.False(_stats.TryGetItem(BrokerStatsService.GroupGetLatency, "0@Idle@GoneGroup", out _));

        // A new count brings the key back.
        Put("Idle", count: 2, sizeEach: 1);
        Assert.True(_stats.TryGetItem(BrokerStatsService.TopicPutNums, "Idle", out var again));
        Assert.Equal(2, again.Value);
    }

    [Fact]
    public async Task Counting_FromManyThreads_LosesNothing()
    {
        var workers = new Task[4];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(() =>
            {
                for (int i = 0; i < 10_000; i++)
                {
                    _stats.OnGet("G", "T", i % 4, 1, 10, 0);
                }
            });
        }

        await Task.WhenAll(workers);
        Assert.True(_stats.TryGetItem(BrokerStatsService.GroupGetNums, "T@G", out var item));
        Assert.Equal((40_000L, 40_000L), (item.Value, item.Times));
    }

    [Fact]
    public void Counting_AnExistingKey_AllocatesNothing()
    {
        var results = new AppendResult[4];
        Array.Fill(results, new AppendResult(AppendStatus.Ok, 0, 0, 100, 0));
        string topic = "HotTopic", group = "HotGroup";
        _stats.OnPut(topic, results);
        _stats.OnGet(group, topic, 1, 4, 400, 2);
        _stats.OnSendBack(group, topic);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            _stats.OnPut(topic, results);
            _stats.OnGet(group, topic, 1, 4, 400, 2);
            _stats.OnSendBack(group, topic);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private void Put(string topic, int count, int sizeEach)
    {
        var results = new AppendResult[count];
        Array.Fill(results, new AppendResult(AppendStatus.Ok, 0, 0, sizeEach, 0));
        _stats.OnPut(topic, results);
    }
}
