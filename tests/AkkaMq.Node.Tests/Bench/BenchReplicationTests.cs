using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AkkaMq.Broker.Replication;
using AkkaMq.Node.Tests.EndToEnd;

namespace AkkaMq.Node.Tests.Bench;

/// <summary>
/// <c>akkamq bench produce --replication</c> over the wire: the node's replication status reports
/// a follower that holds what the master's log held <see cref="FollowerDelay"/> earlier.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class BenchReplicationTests : IAsyncLifetime
{
    private static readonly TimeSpan FollowerDelay = TimeSpan.FromMilliseconds(200);
    private readonly Queue<(long At, long Offset)> _seen = new();
    private long _followerOffset;
    private NodeFixture _node = null!;

    public async Task InitializeAsync() =>
        _node = await NodeFixture.StartAsync(configureBroker: o => o with { ReplicationStatus = DelayedFollower });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Produce_WithReplication_ReportsTheFollowersLagInBytesAndMilliseconds()
    {
        await CliRun.InvokeAsync("admin", "updateTopic", "-n", _node.NameServer, "-c", "DefaultCluster", "-t", "BenchHa", "-r", "2", "-w", "2");

        var produced = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-t", "BenchHa", "-f", "8", "-s", "512",
            "--rate", "500", "-d", "3", "--replication", _node.BrokerAddress);

        Assert.True(produced.ExitCode == 0, produced.Output + produced.Error);
        var m = LagPattern().Match(produced.Output);
        Assert.True(m.Success, produced.Output);
        Assert.Equal("127.0.0.1:1", m.Groups["follower"].Value);
        Assert.Equal(_node.BrokerAddress, m.Groups["master"].Value);
        // 500 msgs/s of about 600 stored bytes for 200 ms is about 60,000 bytes behind; a busy machine sends fewer.
        Assert.InRange(long.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture), 5_000, 200_000);
        // The follower's copy trails by 200 ms plus up to a status request's spacing.
        Assert.InRange(double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture), 150, 600);
        Assert.DoesNotContain("not yet on the follower", produced.Output);
    }

    [Fact]
    public async Task Produce_WithAnInvalidReplicationAddress_FailsWithOneLine()
    {
        var result = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-m", "1", "--replication", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("akkamq bench produce: --replication: expected the master broker's address as host:port, got 'localhost'", result.Error.Trim());
    }

    [Fact]
    public async Task Produce_WithReplicationOfAnUnreachableBroker_SaysNoStatusWasSampled()
    {
        await CliRun.InvokeAsync("admin", "updateTopic", "-n", _node.NameServer, "-c", "DefaultCluster", "-t", "BenchHaNone", "-r", "1", "-w", "1");

        var result = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-t", "BenchHaNone", "-m", "20", "--replication", "127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("samples failed, the first:", result.Output);
        Assert.Contains("akkamq bench produce: --replication: no replication status with a follower from 127.0.0.1:1", result.Error);
    }

    /// <summary>The status source: the master's end now, and a follower at the end seen <see cref="FollowerDelay"/> ago.</summary>
    private ReplicationStatus DelayedFollower()
    {
        long end = _node?.Roles?.Broker?.Store.MaxPhysicalOffset ?? 0;
        long now = Stopwatch.GetTimestamp();
        lock (_seen)
        {
            _seen.Enqueue((now, end));
            while (_seen.Count > 0 && Stopwatch.GetElapsedTime(_seen.Peek().At, now) >= FollowerDelay)
            {
                _followerOffset = _seen.Dequeue().Offset;
            }

            var follower = new FollowerStatus(1, "follower", "127.0.0.1:1", _followerOffset, _followerOffset, end - _followerOffset, null, 0, 0, true);
            return new ReplicationStatus(true, end, [follower], null);
        }
    }

    [GeneratedRegex(@"Replication lag of (?<follower>\S+) behind (?<master>\S+) \(\d+ samples every 10 ms\): bytes p50 (?<bytes>\d+) \| p99 \d+ \| max \d+; ms p50 (?<ms>[\d.]+) \|")]
    private static partial Regex LagPattern();
}
