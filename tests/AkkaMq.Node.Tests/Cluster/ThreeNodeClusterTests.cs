namespace AkkaMq.Node.Tests.Cluster;

/// <summary>The shipped layout (hocon/cluster): node-a master and node-b follower of broker-a, node-c master of broker-b.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public ClusterFixture Cluster { get; } = new("ThreeNodes");

    public Task InitializeAsync() => ClusterScenarios.StartThreeAsync(Cluster);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Three nodes as <c>akkamq run</c> starts them, shared by tests that stop no node: routes reach every
/// nameserver, and broker-a's follower holds its master's log byte for byte and serves it.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class ThreeNodeClusterTests(ThreeNodeCluster shared) : IClassFixture<ThreeNodeCluster>
{
    private readonly ClusterFixture _cluster = shared.Cluster;

    [Fact]
    public Task TopicCreatedThroughOneNode_IsRoutedByEveryNameServer_WithTheFollowerAsBrokerId1() =>
        ClusterScenarios.TopicCreatedThroughOneNodeIsRoutedByEveryNameServerAsync(_cluster, "EveryNode");

    [Fact]
    public Task MessagesSentToTheMaster_AreOnTheFollowerByteForByte_AndPulledFromIt() =>
        ClusterScenarios.FollowerHoldsTheMastersLogAndServesItAsync(_cluster, "Replicated");
}
